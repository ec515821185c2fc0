"""charcot.clinical"""
