"""Physical constants as quantities, as ``brian2.units.constants`` gives them (the same CODATA
2014 values Brian2 2.9 uses, so a script that computes reversal potentials with
``faraday_constant`` and ``gas_constant`` gets Brian2's numbers)."""
from __future__ import annotations

from .definitions import amp, coulomb, farad, joule, kelvin, kilogram, meter, mole, newton

avogadro_constant = 6.022140857e23 / mole
boltzmann_constant = 1.38064852e-23 * joule / kelvin
electric_constant = 8.854187817e-12 * farad / meter
electron_mass = 9.10938356e-31 * kilogram
elementary_charge = 1.6021766208e-19 * coulomb
faraday_constant = 96485.33289 * coulomb / mole
gas_constant = 8.3144598 * joule / mole / kelvin
magnetic_constant = 1.2566370614359173e-06 * newton / amp ** 2
molar_mass_constant = 1e-3 * kilogram / mole
zero_celsius = 273.15 * kelvin

__all__ = ["avogadro_constant", "boltzmann_constant", "electric_constant", "electron_mass",
           "elementary_charge", "faraday_constant", "gas_constant", "magnetic_constant",
           "molar_mass_constant", "zero_celsius"]

