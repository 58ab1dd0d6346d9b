"""Terms of the portfolio model: dated status reports, milestones, indicators, observations.

Indicators reuse the W3C Data Cube vocabulary (``qb:``) and the SDMX attributes, dimensions
and measures published with it; status reports and milestones are govgraph's own terms (no
standard vocabulary has a milestone with planned, forecast and actual dates). Declared in
``ontology/portfolio.ttl``; checked by ``ontology/portfolio-shapes.ttl``; documented in
``docs/ontology.md`` ("Portfolio, milestones and indicators").
"""

from __future__ import annotations

from ontology.terms import DCT, GG

QB = "http://purl.org/linked-data/cube#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"

# -- status history: one dated report per statement of status ------------------------------
STATUS_REPORT = GG + "StatusReport"
STATUS_OF = GG + "statusOf"
STATUS = GG + "reportedStatus"  # rdfs:subPropertyOf gg:status (an entity's single status)
REPORT_DATE = DCT + "date"
PROGRESS = GG + "progress"  # percent complete, 0..100
PHASE = GG + "phase"  # a free-text phase name ("udbud", "pilot", ...)

# -- milestones ------------------------------------------------------------------------------
MILESTONE = GG + "Milestone"
MILESTONE_OF = GG + "milestoneOf"
PLANNED_DATE = GG + "plannedDate"
FORECAST_DATE = GG + "forecastDate"
ACTUAL_DATE = GG + "actualDate"
AFTER = GG + "after"  # this milestone cannot be reached before that one (finish-to-start)

# -- indicators (a qb:DataSet each) and observations (qb:Observation) ----------------------
INDICATOR = GG + "Indicator"
DATA_SET = QB + "DataSet"
OBSERVATION = QB + "Observation"
IN_DATA_SET = QB + "dataSet"
REF_PERIOD = SDMX_DIMENSION + "refPeriod"
REF_AREA = SDMX_DIMENSION + "refArea"
OBS_VALUE = SDMX_MEASURE + "obsValue"
UNIT_MEASURE = SDMX_ATTRIBUTE + "unitMeasure"
MEASURES = GG + "measures"  # the goal, system, agreement or initiative an indicator measures
DIRECTION = GG + "direction"
TARGET_VALUE = GG + "targetValue"
TARGET_DATE = GG + "targetDate"
BASELINE_VALUE = GG + "baselineValue"
INDICATOR_COUNT = GG + "indicatorCount"  # a family stated as "N indicators", not named one by one

# Statuses a report may give, in the order of a board's columns.
REPORT_STATUSES = ("planned", "active", "paused", "completed", "cancelled", "retired")
DONE_STATUSES = frozenset({"completed", "cancelled", "retired"})
DIRECTIONS = ("higher_is_better", "lower_is_better")

# The red/amber/green thresholds (docs/queries.md, "Red, amber, green").
AMBER_SLIP_DAYS = 1
RED_SLIP_DAYS = 31
DUE_SOON_DAYS = 30
