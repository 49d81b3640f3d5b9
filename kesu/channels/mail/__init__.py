"""E-mail in: parsing, threading, the SMTP receiver and IMAP polling."""
