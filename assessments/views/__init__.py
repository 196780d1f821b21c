"""Views of the workflow part: frameworks, campaigns, self-assessment and scoring."""
