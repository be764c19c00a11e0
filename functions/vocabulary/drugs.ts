/**
 * Drug lexicon: generic, brand and code names of drugs that NSCLC trials name, each mapped to
 * one canonical generic name and its therapy classes (see codes.ts, PROFILE.md "A drug implies
 * its classes"). Lookups ignore case, punctuation and spaces ("AMG-510" = "amg 510" = "AMG510").
 */
import type { TherapyClass } from './codes.ts';

export interface DrugEntry {
  /** Canonical generic name, lower case. */
  drug: string;
  classes: TherapyClass[];
  /** Brand names, code names and other spellings. */
  aliases: string[];
}

const CHEMO: TherapyClass[] = ['chemotherapy'];
const PLATINUM: TherapyClass[] = ['platinum_chemotherapy', 'chemotherapy'];
const TAXANE: TherapyClass[] = ['taxane', 'chemotherapy'];
const PD1: TherapyClass[] = ['anti_pd1_pdl1'];
const EGFR1: TherapyClass[] = ['egfr_tki'];
const EGFR3: TherapyClass[] = ['egfr_tki', 'egfr_tki_3rd_gen'];
const ALK: TherapyClass[] = ['alk_tki'];
const G12C: TherapyClass[] = ['kras_g12c_inhibitor'];

const d = (drug: string, classes: TherapyClass[], aliases: string[] = []): DrugEntry => ({
  drug,
  classes,
  aliases,
});

export const DRUGS: readonly DrugEntry[] = [
  // Chemotherapy
  d('cisplatin', PLATINUM, ['cddp', 'platinol']),
  d('carboplatin', PLATINUM, ['paraplatin', 'cbdca']),
  d('nedaplatin', PLATINUM),
  d('oxaliplatin', PLATINUM, ['eloxatin']),
  d('lobaplatin', PLATINUM),
  d('pemetrexed', ['pemetrexed', 'chemotherapy'], ['alimta', 'pemfexy', 'ly231514']),
  d('docetaxel', ['docetaxel', 'taxane', 'chemotherapy'], ['taxotere']),
  d('paclitaxel', TAXANE, ['taxol']),
  d('nab-paclitaxel', TAXANE, [
    'abraxane',
    'nabpaclitaxel',
    'albumin-bound paclitaxel',
    'protein-bound paclitaxel',
    'paclitaxel protein-bound',
    'paclitaxel albumin-bound',
  ]),
  d('gemcitabine', CHEMO, ['gemzar']),
  d('vinorelbine', CHEMO, ['navelbine']),
  d('etoposide', CHEMO, ['vp-16', 'vp16']),
  d('irinotecan', CHEMO, ['camptosar', 'cpt-11']),
  d('topotecan', CHEMO, ['hycamtin']),
  d('tegafur', CHEMO, ['s-1', 'tegafur-gimeracil-oteracil']),
  d('cyclophosphamide', CHEMO),
  d('lurbinectedin', CHEMO, ['zepzelca']),
  // Anti-PD-1 / PD-L1
  d('pembrolizumab', PD1, ['keytruda', 'mk-3475', 'lambrolizumab']),
  d('nivolumab', PD1, ['opdivo', 'bms-936558', 'mdx-1106', 'ono-4538', 'opdivo qvantig']),
  d('cemiplimab', PD1, ['libtayo', 'regn2810']),
  d('tislelizumab', PD1, ['tevimbra', 'bgb-a317']),
  d('toripalimab', PD1, ['loqtorzi', 'js001']),
  d('sintilimab', PD1, ['tyvyt', 'ibi308']),
  d('camrelizumab', PD1, ['shr-1210', 'airuika']),
  d('serplulimab', PD1, ['hlx10']),
  d('penpulimab', PD1, ['ak105']),
  d('zimberelimab', PD1, ['ab122']),
  d('dostarlimab', PD1, ['jemperli', 'tsr-042']),
  d('retifanlimab', PD1, ['zynyz', 'incmga00012']),
  d('spartalizumab', PD1, ['pdr001']),
  d('cetrelimab', PD1, ['jnj-63723283']),
  d('ezabenlimab', PD1, ['bi 754091']),
  d('sasanlimab', PD1, ['pf-06801591']),
  d('atezolizumab', PD1, ['tecentriq', 'mpdl3280a', 'rg7446', 'tecentriq hybreza']),
  d('durvalumab', PD1, ['imfinzi', 'medi4736']),
  d('avelumab', PD1, ['bavencio', 'msb0010718c']),
  d('sugemalimab', PD1, ['cejemly', 'cs1001']),
  d('envafolimab', PD1, ['kn035']),
  d('adebrelimab', PD1, ['shr-1316']),
  d('benmelstobart', PD1, ['tqb2450']),
  // Bispecifics with a PD-(L)1 arm
  d('ivonescimab', ['anti_pd1_pdl1', 'anti_vegf'], ['ak112', 'smt112']),
  d('cadonilimab', ['anti_pd1_pdl1', 'anti_ctla4'], ['ak104']),
  d('volrustomig', ['anti_pd1_pdl1', 'anti_ctla4'], ['medi5752']),
  d('rilvegostomig', PD1, ['azd2936']),
  d('ql1706', ['anti_pd1_pdl1', 'anti_ctla4'], ['iparomlimab and tuvonralimab']),
  // Anti-CTLA-4
  d('ipilimumab', ['anti_ctla4'], ['yervoy', 'mdx-010', 'bms-734016']),
  d('tremelimumab', ['anti_ctla4'], ['imjudo', 'cp-675206', 'ticilimumab']),
  // EGFR TKIs
  d('erlotinib', EGFR1, ['tarceva', 'osi-774']),
  d('gefitinib', EGFR1, ['iressa', 'zd1839']),
  d('icotinib', EGFR1, ['conmana', 'bpi-2009h']),
  d('afatinib', EGFR1, ['gilotrif', 'giotrif', 'bibw2992']),
  d('dacomitinib', EGFR1, ['vizimpro', 'pf-00299804']),
  d('osimertinib', EGFR3, ['tagrisso', 'azd9291', 'mereletinib']),
  d('lazertinib', EGFR3, ['lazcluze', 'leclaza', 'yh25448', 'jnj-73841937']),
  d('aumolertinib', EGFR3, ['almonertinib', 'ameile', 'hs-10296']),
  d('furmonertinib', EGFR3, ['alflutinib', 'ivesa', 'ast2818']),
  d('befotertinib', EGFR3, ['d-0316']),
  d('rezivertinib', EGFR3, ['bpi-7711']),
  d('rociletinib', EGFR3, ['co-1686']),
  d('olmutinib', EGFR3, ['hm61713', 'olita']),
  d('nazartinib', EGFR3, ['egf816']),
  d('sunvozertinib', EGFR1, ['zegfrovy', 'dzd9008']),
  d('mobocertinib', EGFR1, ['exkivity', 'tak-788', 'ap32788']),
  d('poziotinib', ['egfr_tki', 'her2_directed'], ['hm781-36b', 'nov120101']),
  d('firmonertinib', EGFR3, []),
  d('zipalertinib', EGFR1, ['cln-081', 'tas6417']),
  d('silevertinib', EGFR1, ['bdtx-1535']),
  d('amivantamab', ['egfr_met_bispecific'], ['rybrevant', 'jnj-61186372', 'jnj-6372']),
  d('necitumumab', [], ['portrazza']),
  d('cetuximab', [], ['erbitux']),
  // ALK / ROS1
  d('crizotinib', ['alk_tki', 'ros1_tki', 'met_inhibitor'], ['xalkori', 'pf-02341066']),
  d('ceritinib', ['alk_tki', 'ros1_tki'], ['zykadia', 'ldk378']),
  d('alectinib', ALK, ['alecensa', 'ch5424802', 'rg7853']),
  d('brigatinib', ['alk_tki'], ['alunbrig', 'ap26113']),
  d('ensartinib', ALK, ['ensacove', 'x-396']),
  d('lorlatinib', ['alk_tki', 'ros1_tki'], ['lorbrena', 'lorviqua', 'pf-06463922']),
  d('iruplinalkib', ALK, ['wx-0593']),
  d('neladalkib', ALK, ['nvl-655']),
  d('entrectinib', ['ros1_tki', 'ntrk_inhibitor', 'alk_tki'], ['rozlytrek', 'rxdx-101']),
  d('repotrectinib', ['ros1_tki', 'ntrk_inhibitor'], ['augtyro', 'tpx-0005']),
  d('taletrectinib', ['ros1_tki', 'ntrk_inhibitor'], ['ibtrozi', 'ds-6051b', 'ab-106']),
  d('zidesamtinib', ['ros1_tki'], ['nvl-520']),
  // NTRK
  d('larotrectinib', ['ntrk_inhibitor'], ['vitrakvi', 'loxo-101']),
  // KRAS
  d('sotorasib', G12C, ['lumakras', 'lumykras', 'amg 510', 'amg510']),
  d('adagrasib', G12C, ['krazati', 'mrtx849']),
  d('divarasib', G12C, ['gdc-6036', 'rg6330']),
  d('olomorasib', G12C, ['ly3537982']),
  d('glecirasib', G12C, ['jab-21822']),
  d('fulzerasib', G12C, ['ibi351', 'gfh925']),
  d('garsorasib', G12C, ['d-1553']),
  d('opnurasib', G12C, ['jdq443']),
  d('elironrasib', G12C, ['rmc-6291']),
  d('daraxonrasib', [], ['rmc-6236']),
  d('zoldonrasib', [], ['rmc-9805']),
  // MET
  d('capmatinib', ['met_inhibitor'], ['tabrecta', 'inc280', 'inc-280']),
  d('tepotinib', ['met_inhibitor'], ['tepmetko', 'msc2156119j', 'emd 1214063']),
  d('savolitinib', ['met_inhibitor'], ['volitinib', 'orpathys', 'azd6094', 'hmpl-504']),
  d('glumetinib', ['met_inhibitor'], ['gumarontinib', 'scc244']),
  d('vebreltinib', ['met_inhibitor'], ['bozitinib', 'plb-1001', 'apl-101']),
  d('telisotuzumab vedotin', ['met_inhibitor'], ['emrelis', 'teliso-v', 'abbv-399']),
  // RET
  d('selpercatinib', ['ret_inhibitor'], ['retevmo', 'loxo-292']),
  d('pralsetinib', ['ret_inhibitor'], ['gavreto', 'blu-667']),
  // BRAF / MEK
  d('dabrafenib', ['braf_mek'], ['tafinlar', 'gsk2118436']),
  d('trametinib', ['braf_mek'], ['mekinist', 'gsk1120212']),
  d('encorafenib', ['braf_mek'], ['braftovi', 'lgx818']),
  d('binimetinib', ['braf_mek'], ['mektovi', 'mek162']),
  d('vemurafenib', ['braf_mek'], ['zelboraf']),
  // HER2
  d(
    'trastuzumab deruxtecan',
    ['her2_directed'],
    ['enhertu', 'ds-8201', 'ds-8201a', 't-dxd', 'tdxd', 'fam-trastuzumab deruxtecan'],
  ),
  d(
    'trastuzumab emtansine',
    ['her2_directed'],
    ['kadcyla', 't-dm1', 'tdm1', 'ado-trastuzumab emtansine'],
  ),
  d('trastuzumab', ['her2_directed'], ['herceptin']),
  d('pertuzumab', ['her2_directed'], ['perjeta']),
  d('zongertinib', ['her2_directed'], ['hernexeos', 'bi 1810631', 'bi1810631']),
  d('sevabertinib', ['her2_directed'], ['hyrnuo', 'bay 2927088', 'bay2927088']),
  d('pyrotinib', ['her2_directed'], []),
  d('tucatinib', ['her2_directed'], ['tukysa']),
  d('disitamab vedotin', ['her2_directed'], ['rc48']),
  // NRG1
  d('zenocutuzumab', [], ['bizengri', 'mcla-128']),
  // TROP2 ADCs
  d('datopotamab deruxtecan', ['adc_trop2'], ['datroway', 'dato-dxd', 'ds-1062', 'ds-1062a']),
  d('sacituzumab govitecan', ['adc_trop2'], ['trodelvy', 'immu-132']),
  d('sacituzumab tirumotecan', ['adc_trop2'], ['sac-tmt', 'mk-2870', 'sky-a', 'skb264']),
  // Anti-angiogenic
  d('bevacizumab', ['anti_vegf'], ['avastin', 'mvasi', 'zirabev', 'alymsys', 'vegzelma']),
  d('ramucirumab', ['anti_vegf'], ['cyramza', 'imc-1121b']),
  d('nintedanib', ['anti_vegf'], ['vargatef', 'ofev', 'bibf 1120']),
  d('anlotinib', ['anti_vegf'], ['al3818']),
  d('endostar', ['anti_vegf'], ['rh-endostatin', 'endostatin']),
  // Multi-kinase inhibitors whose one certain class is anti-angiogenic (VEGFR).
  d('apatinib', ['anti_vegf'], ['rivoceranib', 'ytn-6860']),
  d('lenvatinib', ['anti_vegf'], ['lenvima', 'e7080']),
  d('cabozantinib', ['anti_vegf'], ['cabometyx', 'cometriq', 'xl184']),
  d('fruquintinib', ['anti_vegf'], ['fruzaqla', 'hmpl-013']),
  d('famitinib', ['anti_vegf'], ['shr1020']),
  d('sunitinib', ['anti_vegf'], ['sutent']),
  d('sorafenib', ['anti_vegf'], ['nexavar']),
  d('regorafenib', ['anti_vegf'], ['stivarga']),
  d('vandetanib', ['anti_vegf'], ['zactima', 'caprelsa', 'zd6474']),
  // HER2 TKIs outside NSCLC standard care, named in prior-therapy exclusions.
  d('lapatinib', ['her2_directed'], ['tykerb', 'tyverb']),
  d('neratinib', ['her2_directed'], ['nerlynx']),
];

/** Case, punctuation and space-insensitive key: "AMG-510" → "amg510". */
export function drugKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[®™]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

const BY_KEY = new Map<string, DrugEntry>();
for (const entry of DRUGS) {
  for (const name of [entry.drug, ...entry.aliases]) {
    const key = drugKey(name);
    if (key.length > 0 && !BY_KEY.has(key)) BY_KEY.set(key, entry);
  }
}

/** Every name (generic, brand, code) with its entry, longest first, for scanning free text. */
export const DRUG_NAMES: readonly { name: string; entry: DrugEntry }[] = DRUGS.flatMap((entry) =>
  [entry.drug, ...entry.aliases].map((name) => ({ name, entry })),
).sort((a, b) => b.name.length - a.name.length);

export function lookupDrug(name: string): { drug: string; classes: TherapyClass[] } | undefined {
  const key = drugKey(name.replace(/\s*\((?:[^)]*)\)\s*$/, ''));
  const entry = BY_KEY.get(key) ?? BY_KEY.get(drugKey(name));
  return entry ? { drug: entry.drug, classes: [...entry.classes] } : undefined;
}

/** Classes of a drug (any spelling); [] when the drug is unknown. */
export function drugClasses(drug: string): TherapyClass[] {
  return lookupDrug(drug)?.classes ?? [];
}

/**
 * Class phrases as eligibility text spells them. Each pattern is tested against lower-cased
 * text; more specific phrases first (3rd-gen before EGFR TKI, docetaxel before taxane).
 */
export const THERAPY_CLASS_PHRASES: readonly { pattern: RegExp; class: TherapyClass }[] = [
  {
    pattern:
      /\b(?:third|3rd)[- ]generation\s+(?:egfr[- ]?)?(?:tki|tyrosine kinase inhibitor)s?\b|\b(?:3rd|third)[- ]gen(?:eration)?\s+egfr|\begfr[- ]tkis?\s*\(?(?:third|3rd)[- ]generation/,
    class: 'egfr_tki_3rd_gen',
  },
  {
    pattern:
      /\begfr[- ]?(?:tkis?|tyrosine[- ]kinase inhibitors?|inhibitors?|targeted (?:therapy|therapies|agents?)|targeting (?:agents?|therap(?:y|ies)|drugs?))\b|\begfr[- ]tyrosine|\bepidermal growth factor receptor (?:\(egfr\) )?(?:tyrosine kinase inhibitor|tki|inhibitor)/,
    class: 'egfr_tki',
  },
  {
    pattern:
      /\balk[- ]?(?:tkis?|tyrosine[- ]kinase inhibitors?|inhibitors?|targeted (?:therapy|therapies|agents?))\b/,
    class: 'alk_tki',
  },
  {
    pattern:
      /\bros1[- ]?(?:tkis?|tyrosine[- ]kinase inhibitors?|inhibitors?)\b|\b(?:tkis?|inhibitors?|agents?)\b[^.;]{0,40}\b(?:activit\w*|efficacy|approved)\b[^.;]{0,20}\bros1/,
    class: 'ros1_tki',
  },
  {
    pattern:
      /\b(?:kras[- ]?)?g12c[- ](?:inhibitors?|targeted|directed)|\bkras g12c[- ]?(?:specific )?inhibitors?|\btreatment targeting kras g12c\b|\btargeting (?:the )?kras g12c|\banti[- ]?kras\b|\bkras[- ](?:inhibitors?|targeted|directed)\b/,
    class: 'kras_g12c_inhibitor',
  },
  {
    pattern:
      /\b(?:c-?)?met[- ]?(?:tkis?|tyrosine[- ]kinase inhibitors?|inhibitors?|targeted therap(?:y|ies))\b|\btargeting (?:the )?(?:hgf ?(?:\/|and\/or|and|or) ?)?(?:c-?)?met\b/,
    class: 'met_inhibitor',
  },
  {
    pattern:
      /\bret[- ]?(?:tkis?|inhibitors?|selective inhibitors?|targeted therap(?:y|ies))\b|\bselective ret\b/,
    class: 'ret_inhibitor',
  },
  { pattern: /\b(?:ntrk|trk)[- ]?(?:tkis?|inhibitors?)\b/, class: 'ntrk_inhibitor' },
  {
    pattern: /\bbraf(?: and|\/| or| \+)? ?(?:mek )?inhibitors?\b|\bbraf[- ]?(?:targeted|directed)/,
    class: 'braf_mek',
  },
  {
    pattern:
      /\b(?:her2|erbb2)[- ](?:directed|targeted|targeting)\b|\b(?:anti[- ]?her2|her2[- ]?(?:tkis?|inhibitors?|adcs?|antibody[- ]drug conjugates?))\b/,
    class: 'her2_directed',
  },
  {
    pattern:
      /\btrop[- ]?2\b.*\b(?:adcs?|antibody[- ]drug conjugates?|directed|targeted|targeting)\b|\banti[- ]?trop[- ]?2\b/,
    class: 'adc_trop2',
  },
  {
    pattern:
      /\banti[- ]?(?:pd[- ]?\(?l?\)?[- ]?1|programmed (?:cell )?death[- ](?:ligand[- ])?1)|\bpd[- ]?l?[- ]?1(?:\s*(?:,|\/|or|and|and\/or)\s*(?:anti[- ]?)?(?:pd[- ]?l?[- ]?[12]|ctla[- ]?4|lag[- ]?3|tigit|tim[- ]?3))+,?\s*(?:inhibitors?|blockers?|antibod(?:y|ies)|agents?|therap(?:y|ies)|targeted|directed)\b|\bpd[- ]?\(?l?\)?[- ]?1(?:\s*\/\s*(?:pd[- ]?)?l[- ]?1)?(?: or pd[- ]?l1)?[- ]?(?:\(.*?\)[- ]?)?(?:inhibitors?|blockers?|blockade|antibod(?:y|ies)|targeted|directed|axis|pathway|checkpoint)|\bimmune[- ]checkpoint[- ](?:inhibitors?|blockers?|blockade|therapy)|\bcheckpoint inhibitors?\b|\bicis?\b|\bimmunotherapy\b|\bimmuno-oncology\b|\bt[- ]cell co-?(?:regulatory|stimulat\w*|inhibitory)\b|\bcheckpoint pathways?\b/,
    class: 'anti_pd1_pdl1',
  },
  {
    pattern:
      /\banti[- ]?ctla[- ]?4|\bctla[- ]?4[- ](?:inhibitors?|antibod(?:y|ies)|blockade|targeted|directed)|\b(?:anti[- ])?cytotoxic t[- ]?lymphocyte[- ]associated (?:protein|antigen)[- ]?4\b/,
    class: 'anti_ctla4',
  },
  {
    pattern:
      /\bplatinum(?:[- ](?:based|containing|doublet|double))?(?:[- ](?:[a-z]+[- ]){0,2}(?:chemotherapy|chemo|regimens?|therapy|doublets?|agents?|treatment)s?)?\b|\b(?:cis|carbo)platin[- ]based/,
    class: 'platinum_chemotherapy',
  },
  { pattern: /\btaxanes?\b|\btaxane[- ]based/, class: 'taxane' },
  {
    pattern:
      /\banti[- ]?(?:vegf|angiogenic)|\bvegf[- ]?(?:r[- ]?)?(?:inhibitors?|targeted|tkis?)|\bvegf receptor (?:inhibitors?|tkis?|antibod(?:y|ies))|\bantiangiogenic\b/,
    class: 'anti_vegf',
  },
  {
    pattern:
      /\begfr[- ](?:and|\/|x)?[- ]?c?-?met bispecific|\bbispecific (?:egfr|antibody targeting egfr)|\begfr[- ]target\w*[^;]{0,100}\bbispecific/,
    class: 'egfr_met_bispecific',
  },
  {
    pattern: /\bchemotherap(?:y|ies)\b|\bcytotoxic (?:therapy|agents?|chemotherapy)\b|\bchemo\b/,
    class: 'chemotherapy',
  },
  {
    pattern:
      /\bradiotherapy\b|\bradiation therapy\b|\bradiation\b|\bsbrt\b|\bsabr\b|\bstereotactic\b|\birradiation\b|\bchemoradi(?:ation|otherapy)\b/,
    class: 'radiotherapy',
  },
  {
    pattern: /\bsurgery\b|\bsurgical resection\b|\bresection\b|\blobectomy\b|\bpneumonectomy\b/,
    class: 'surgery',
  },
];

/** The most specific therapy class a phrase names, or undefined ("anti-PD-(L)1" → anti_pd1_pdl1). */
export function lookupTherapyClass(phrase: string): TherapyClass | undefined {
  const text = phrase.toLowerCase();
  for (const { pattern, class: cls } of THERAPY_CLASS_PHRASES) {
    if (pattern.test(text)) return cls;
  }
  return undefined;
}

/** Every class a phrase names, in table order (for texts listing several). */
export function therapyClassesIn(phrase: string): TherapyClass[] {
  const text = phrase.toLowerCase();
  const out: TherapyClass[] = [];
  for (const { pattern, class: cls } of THERAPY_CLASS_PHRASES) {
    if (pattern.test(text) && !out.includes(cls)) out.push(cls);
  }
  return out;
}
