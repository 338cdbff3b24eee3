from tests.learning import chloe_class, school

__all__ = ["chloe_class", "school"]
