"""Loading YAML files into the model, with every problem located and explained."""

from .loader import LoadedPlan, load_plan, load_plan_or_raise
from .registry import Registry, load_registry

__all__ = ["LoadedPlan", "Registry", "load_plan", "load_plan_or_raise", "load_registry"]
