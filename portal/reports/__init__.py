"""The head of office's monthly and semester report: applications and decisions by permit type,
the service standard, the IKM, complaints and information requests, as PDF and XLSX."""
