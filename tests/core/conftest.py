from tests.learning import ben_in_class, catalogue, chloe_class, school

__all__ = ["ben_in_class", "catalogue", "chloe_class", "school"]
