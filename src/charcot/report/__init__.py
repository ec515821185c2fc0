"""charcot.report"""
