"""Investigation, containment, the 8D report and corrective actions (CAPA) (R-INV)."""
