"""Extract stage: bytes to text, HTML to Document, attachments to text."""
