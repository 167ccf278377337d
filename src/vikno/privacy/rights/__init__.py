"""A data subject's rights: download what the portal holds (JSON and PDF), correct it, give and withdraw
consents, and ask for erasure, which the data protection officer decides within the legal term."""
