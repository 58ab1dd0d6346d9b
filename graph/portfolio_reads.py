"""What the portfolio lookups (:mod:`graph.portfolio_lookups`) and what is derived from them
read: a value declaring these is kept by an index a write made that changed none of them."""

from __future__ import annotations

from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import RDF_TYPE

#: The milestones' and status reports' predicates: the timeline a secretariat's sheet updates.
TIMELINE_READS = (
    p.MILESTONE_OF,
    p.PLANNED_DATE,
    p.FORECAST_DATE,
    p.ACTUAL_DATE,
    p.AFTER,
    p.STATUS_OF,
    p.STATUS,
    p.REPORT_DATE,
    p.PROGRESS,
    p.PHASE,
)
#: The predicates :func:`lookups` reads (besides ``rdf:type`` and the labels): a write that
#: touches none of them leaves the lookups as they were (for a memo kept across writes).
LOOKUPS_READS = (
    *TIMELINE_READS,
    v.DEPENDENT,
    v.PREREQUISITE,
    v.CRITICALITY,
    v.LAG_DAYS,
    v.DEPENDENCY_TYPE,
    v.HOLDER,
    v.MANDATE_STATUS,
    v.SCOPE,
    v.ACTION,
    v.TEMPORAL,
    v.MEMBER_DURING,
    v.START_DATE,
    v.END_DATE,
    v.SUBPROPERTY_OF,
    *sorted(v.WITHIN_SCOPE_PREDICATES),
)


#: What the lookups and everything derived from them alone read (classes too).
READS = (RDF_TYPE, *LOOKUPS_READS)
#: What is derived from the lookups' structure alone (items, dependencies, scopes, mandates,
#: validity) reads: a write of a status or a milestone date keeps it.
STRUCTURE_READS = tuple(r for r in READS if r not in TIMELINE_READS)
