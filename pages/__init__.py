"""One module per page (see app.py for the role-based page list)."""
