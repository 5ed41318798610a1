"""Operator tools: backups and restores of the database and the stored files, moving files
between storage backends, and the inventory of files the database refers to.

The inventory knows no feature: each feature that keeps files registers a function listing
them (``inventory.register_files``) when the app is created. This package sits above storage and
below the features; it imports no feature.
"""
