"""The privacy app's pages, one module per subject."""
