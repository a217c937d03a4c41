"""Physical constants (SI, CODATA 2018 exact values where defined)."""
FARADAY = 96485.33212  #: C/mol
GAS_CONSTANT = 8.314462618  #: J/(mol K)
ZERO_CELSIUS = 273.15  #: K
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_YEAR = 365.25 * 86400.0  #: a Julian year, the ageing models' year
