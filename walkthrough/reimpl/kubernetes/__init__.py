"""Models of Kubernetes v1.5.2 packages (see walkthrough.reimpl)."""
