"""The staff action log ("audit log" in the admin area): who did what to which object, and when.
Written by the staff-facing services of any feature (admin, tutorials, auth invitations), read
on /admin/audit. Below the features: it imports only the database."""
