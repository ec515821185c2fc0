"""charcot.family"""
