"""Pages of information requests: lists, the detail page with one small view per transition,
the compose wizard, the answer page, downloads and the coordinator's overview."""
