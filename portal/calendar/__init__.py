"""The office calendar: its holidays and the working-day clock every service-level deadline
uses (applications, complaints, permits, statistics). It imports no feature."""
