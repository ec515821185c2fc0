"""charcot.variants"""
