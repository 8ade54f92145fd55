/**
 * FLAG manufacturer ids (DLMS UA / M-Bus three-letter codes) of meters this project meets.
 * Compared upper-case: meters spell some in mixed case (`ISk`).
 */
const MANUFACTURERS: Readonly<Record<string, string>> = {
  ABB: 'ABB', ACE: 'Actaris', ACW: 'Itron', AEG: 'AEG', AMT: 'Aquametro', APA: 'Apator',
  DNT: 'Dr. Neuhaus Telekommunikation', DZG: 'DZG Metering', EBZ: 'eBZ', EFE: 'Engelmann', ELL: 'Elster',
  ELS: 'Elster', EMH: 'EMH Metering', EMU: 'EMU Elektronik', ESY: 'EasyMeter', FLU: 'Fluvius', GMC: 'GMC-I Messtechnik',
  GWF: 'GWF', HAG: 'Hager', HYD: 'Diehl Metering (Hydrometer)', ISK: 'Iskraemeco', ITR: 'Itron', KAM: 'Kamstrup',
  KFM: 'Kaifa', LGB: 'Landis+Gyr', LGF: 'Landis+Gyr', LGZ: 'Landis+Gyr', LSE: 'Siemens', LSZ: 'Siemens',
  LUG: 'Landis+Gyr', NZR: 'Nordwestdeutsche Zählerrevision', SAG: 'Sagemcom', SBC: 'Saia-Burgess',
  SEN: 'Sensus', SIE: 'Siemens', SLB: 'Allmess', SON: 'Sontex', SPX: 'Sensus', SVM: 'Kamstrup (SVM)',
  TCH: 'Techem', XMX: 'Xemex', ZPA: 'ZPA Smart Energy', ZRM: 'Minol', AID: 'Aidon', EST: 'Sagemcom',
};

export function manufacturerName(flagId: string): string | undefined {
  return MANUFACTURERS[flagId.toUpperCase()];
}
