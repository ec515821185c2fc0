"""Bibliography keys the ACMG engine cites in each Evidence.sources entry.

The keys name the method papers; they are resolved against the knowledge base bibliography
(``charcot.knowledge``) by ``missing_sources()`` so a report can link each criterion to its paper.
"""

from __future__ import annotations

RICHARDS_2015 = "S-Richards15"  # ACMG/AMP standards, Genet Med 2015;17:405
TAVTIGIAN_2018 = "S-Tavtigian18"  # Bayesian framework, Genet Med 2018;20:1054
TAVTIGIAN_2020 = "S-Tavtigian20"  # points system, Hum Mutat 2020;41:1734
ABOU_TAYOUN_2018 = "S-AbouTayoun18"  # PVS1 decision tree, Hum Mutat 2018;39:1517
PEJAVER_2022 = "S-Pejaver22"  # PP3/BP4 calibration, AJHG 2022;109:2163
WALKER_2023 = "S-Walker23"  # splicing (SpliceAI) recommendations, AJHG 2023;110:1046
SVI_PM2_2020 = "S-SVI-PM2"  # ClinGen SVI PM2_Supporting recommendation, v1.0 2020
GHOSH_2018 = "S-Ghosh18"  # BA1 exception list, Hum Mutat 2018;39:1525
BIESECKER_2018 = "S-Biesecker18"  # PP5/BP6 retired, Genet Med 2018;20:1687
WHIFFIN_2017 = "S-Whiffin17"  # maximum credible allele frequency, Genet Med 2017;19:1151
BIESECKER_2024 = "S-Biesecker24"  # ClinGen PP1/BS4 and PP4 phenotype-specificity guidance, AJHG 2024;111:24
BROOKS_2000 = "S-Bro00"  # revised El Escorial criteria (UMN + LMN signs)
SHEFNER_2020 = "S-She20"  # Gold Coast criteria
CLINGEN_LOW_PENETRANCE = "S-CGlowpen"  # ClinGen low-penetrance / risk-allele recommendations (Schmidt 2024)
LINDEBOOM_2016 = "S-Lindeboom16"  # NMD rules incl. start-proximal escape, Nat Genet 2016;48:1112
LINDEBOOM_2019 = "S-Lindeboom19"  # NMDetective-B rules (start-proximal < 150 nt), Nat Genet 2019;51:1645

ALL = (RICHARDS_2015, TAVTIGIAN_2018, TAVTIGIAN_2020, ABOU_TAYOUN_2018, PEJAVER_2022, WALKER_2023,
       SVI_PM2_2020, GHOSH_2018, BIESECKER_2018, WHIFFIN_2017, BIESECKER_2024, BROOKS_2000, SHEFNER_2020,
       CLINGEN_LOW_PENETRANCE, LINDEBOOM_2016, LINDEBOOM_2019)


def missing_sources() -> list[str]:
    """Method keys not (yet) in the knowledge-base bibliography."""
    from charcot.knowledge import get_knowledge

    bib = get_knowledge().bibliography
    return [k for k in ALL if k not in bib]
