"""Needs surveys (需求调查): moderators ask the community or some buildings a few questions,
residents answer once (online, or on paper through a moderator), the results are counted
with the dashboard's privacy rules, and common needs become proposals."""
