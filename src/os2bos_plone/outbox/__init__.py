"""Mail out of the product: one way to send, and the log of every mail sent or refused."""
