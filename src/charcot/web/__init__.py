"""charcot.web"""
