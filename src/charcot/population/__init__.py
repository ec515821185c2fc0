"""charcot.population"""
