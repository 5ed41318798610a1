"""Email outbox, in-app notices and the jobs that send them."""
