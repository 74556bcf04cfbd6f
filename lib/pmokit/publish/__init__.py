"""The last mile: the week's status as a mail draft (``.eml``), a Teams card, and their delivery."""
