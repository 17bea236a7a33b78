"""ISO 3166-1 alpha-2 country codes and the EU Publications Office country authority table.

Annex I element 3 ("country(ies)/region(s) of the issuer") is held as ISO 3166-1 alpha-2; ELM v3
needs the country NAL IRI ``http://publications.europa.eu/resource/authority/country/<alpha-3>``
(VOCABULARIES.md §10).
"""

from __future__ import annotations

from functools import cache

__all__ = ["COUNTRY_NAL", "country_from_nal_iri", "country_nal_iri", "is_country_code"]

COUNTRY_NAL = "http://publications.europa.eu/resource/authority/country/"

# alpha-2 alpha-3 pairs, ISO 3166-1 (249 officially assigned codes).
_ISO_3166 = """
AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW
AX ALA AZ AZE BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN
BO BOL BQ BES BR BRA BS BHS BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK CD COD CF CAF CG COG
CH CHE CI CIV CK COK CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV CW CUW CX CXR CY CYP CZ CZE
DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA EC ECU EE EST EG EGY EH ESH ER ERI ES ESP ET ETH FI FIN
FJ FJI FK FLK FM FSM FO FRO FR FRA GA GAB GB GBR GD GRD GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL
GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM GU GUM GW GNB GY GUY HK HKG HM HMD HN HND HR HRV
HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM
JO JOR JP JPN KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO
LB LBN LC LCA LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY MA MAR MC MCO MD MDA ME MNE
MF MAF MG MDG MH MHL MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR MT MLT MU MUS
MV MDV MW MWI MX MEX MY MYS MZ MOZ NA NAM NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL
NR NRU NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM PN PCN PR PRI
PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA SA SAU SB SLB SC SYC SD SDN
SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD ST STP SV SLV
SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON
TR TUR TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY UZ UZB VA VAT VC VCT VE VEN
VG VGB VI VIR VN VNM VU VUT WF WLF WS WSM YE YEM YT MYT ZA ZAF ZM ZMB ZW ZWE
"""

# Codes whose NAL notation is not the ISO alpha-3 code (VOCABULARIES.md §10).
_NAL_EXCEPTIONS = {"XK": "1A0", "TF": "FQ0"}


@cache
def _alpha3() -> dict[str, str]:
    words = _ISO_3166.split()
    table = dict(zip(words[::2], words[1::2], strict=True))
    table["XK"] = "XKX"  # Kosovo: user-assigned, used by the EU (NAL 1A0)
    return table


@cache
def _from_nal() -> dict[str, str]:
    return {_NAL_EXCEPTIONS.get(a2, a3): a2 for a2, a3 in _alpha3().items()}


def is_country_code(code: object) -> bool:
    """True for an upper-case ISO 3166-1 alpha-2 code (plus ``XK``, Kosovo)."""
    return isinstance(code, str) and code in _alpha3()


def country_nal_iri(code: str) -> str:
    """The EU country authority IRI of an alpha-2 code: ``IE`` -> ``…/country/IRL``."""
    return COUNTRY_NAL + _NAL_EXCEPTIONS.get(code, _alpha3()[code])


def country_from_nal_iri(iri: str) -> str | None:
    """The alpha-2 code of a country authority IRI, or None if ``iri`` is not one."""
    if not iri.startswith(COUNTRY_NAL):
        return None
    return _from_nal().get(iri[len(COUNTRY_NAL) :])
