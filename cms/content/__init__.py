"""Seed content for the journey, the guides and the FAQs (Vietnamese with the English translation)."""
