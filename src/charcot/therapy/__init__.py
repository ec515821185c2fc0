"""charcot.therapy"""
