"""charcot.repeats"""
