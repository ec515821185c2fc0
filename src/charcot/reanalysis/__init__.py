"""Re-analysis of stored cases against the knowledge in force (``charcot reanalyse``); see ``api``."""
