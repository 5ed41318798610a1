"""The field types, one class per type, grouped by family in the modules of this package. Each
class registers itself (``registry.register``); every module here is imported below, so a new
type is a new class in a new (or existing) module, and nothing else changes."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
