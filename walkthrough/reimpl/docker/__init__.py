"""Models of Docker v1.12.3 packages (see walkthrough.reimpl)."""
