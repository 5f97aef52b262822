"""The alert pages (issue 22): the list, writing, the alert and its steps, documents."""
