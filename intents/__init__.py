"""Understanding text: intent classification, entities and PII."""
