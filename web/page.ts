/**
 * The web page at `/`: one self-contained HTML document (inline CSS and JS, no framework, no
 * build step, no external request, no storage, no analytics). The API Lambda serves it as is,
 * and so does `npm start`. The profile leaves the browser only in the `POST /v1/match` body.
 *
 * The Content-Security-Policy in the document allows exactly this page's own script and
 * style (by hash) and same-origin fetches, so nothing can be loaded from anywhere else.
 */
import { createHash } from 'node:crypto';
import {
  ALTERATIONS_BY_GENE,
  GENES,
  THERAPY_CLASSES,
  type TherapyClass,
} from '#vocabulary/codes.ts';

const GENE_LABELS: Record<string, string> = {
  ERBB2: 'HER2 (ERBB2)',
  MSI: 'MSI (microsatellite instability)',
  TMB: 'TMB (tumour mutational burden)',
};

/** Spellings offered as suggestions; any other spelling may be typed (the API normalises). */
const ALTERATION_HINTS: Record<string, string[]> = {
  EGFR: [
    'exon 19 deletion',
    'L858R',
    'T790M',
    'C797S',
    'exon 20 insertion',
    'G719X',
    'L861Q',
    'S768I',
  ],
  BRAF: ['V600E', 'non-V600'],
  KRAS: ['G12C', 'G12D', 'G12V'],
  MET: ['exon 14 skipping', 'amplification', 'overexpression'],
  ERBB2: ['mutation', 'exon 20 insertion', 'amplification', 'overexpression (IHC 3+)'],
};

const CLASS_LABELS: Record<TherapyClass, string> = {
  platinum_chemotherapy: 'Platinum chemotherapy (cisplatin, carboplatin)',
  chemotherapy: 'Chemotherapy (any)',
  pemetrexed: 'Pemetrexed',
  taxane: 'Taxane (paclitaxel, docetaxel)',
  docetaxel: 'Docetaxel',
  anti_pd1_pdl1: 'Immunotherapy: anti-PD-1 / PD-L1',
  anti_ctla4: 'Immunotherapy: anti-CTLA-4',
  egfr_tki: 'EGFR tablet (EGFR TKI, any)',
  egfr_tki_3rd_gen: 'EGFR tablet, 3rd generation (e.g. osimertinib)',
  alk_tki: 'ALK tablet (ALK TKI)',
  ros1_tki: 'ROS1 tablet',
  kras_g12c_inhibitor: 'KRAS G12C inhibitor',
  met_inhibitor: 'MET inhibitor',
  ret_inhibitor: 'RET inhibitor',
  ntrk_inhibitor: 'NTRK inhibitor',
  braf_mek: 'BRAF / MEK inhibitors',
  her2_directed: 'HER2-directed therapy',
  egfr_met_bispecific: 'EGFR-MET bispecific antibody (amivantamab)',
  adc_trop2: 'TROP2 antibody-drug conjugate',
  anti_vegf: 'Anti-VEGF (bevacizumab, ramucirumab)',
  radiotherapy: 'Radiotherapy',
  surgery: 'Surgery',
};

/** Common spellings to suggest in the drug field (generic and brand names both work). */
const DRUG_HINTS = [
  'osimertinib (Tagrisso)',
  'erlotinib (Tarceva)',
  'gefitinib (Iressa)',
  'afatinib (Gilotrif)',
  'lazertinib',
  'amivantamab (Rybrevant)',
  'alectinib (Alecensa)',
  'lorlatinib (Lorbrena)',
  'brigatinib (Alunbrig)',
  'crizotinib (Xalkori)',
  'sotorasib (Lumakras)',
  'adagrasib (Krazati)',
  'capmatinib (Tabrecta)',
  'tepotinib (Tepmetko)',
  'selpercatinib (Retevmo)',
  'dabrafenib (Tafinlar)',
  'trametinib (Mekinist)',
  'pembrolizumab (Keytruda)',
  'nivolumab (Opdivo)',
  'atezolizumab (Tecentriq)',
  'durvalumab (Imfinzi)',
  'cemiplimab (Libtayo)',
  'ipilimumab (Yervoy)',
  'carboplatin',
  'cisplatin',
  'pemetrexed (Alimta)',
  'paclitaxel',
  'nab-paclitaxel (Abraxane)',
  'docetaxel',
  'gemcitabine',
  'bevacizumab (Avastin)',
  'trastuzumab deruxtecan (Enhertu)',
  'datopotamab deruxtecan (Datroway)',
];

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const option = (value: string, label: string) =>
  `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;

const geneOptions = GENES.filter((gene) => gene !== 'PD-L1')
  .map((gene) => option(gene, GENE_LABELS[gene] ?? gene))
  .join('');

const alterationLists = GENES.filter((gene) => gene !== 'PD-L1')
  .map((gene) => {
    const hints = ALTERATION_HINTS[gene] ?? [...ALTERATIONS_BY_GENE[gene]];
    return `<datalist id="alt-${gene}">${hints.map((h) => `<option value="${escapeHtml(h)}"></option>`).join('')}</datalist>`;
  })
  .join('');

const classOptions = THERAPY_CLASSES.map((cls) => option(cls, CLASS_LABELS[cls])).join('');
const drugList = DRUG_HINTS.map((d) => `<option value="${escapeHtml(d)}"></option>`).join('');

const STYLE = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--bg:#fff;--soft:#f4f6f8;--accent:#0b5cad;
--ok:#0a5a2a;--ok-bg:#e3f4e8;--maybe:#6b4700;--maybe-bg:#fff3d6;--no:#8a1c1c;--no-bg:#fde8e8;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:1.25rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .35rem}
a{color:var(--accent)}
.lead{color:var(--muted);margin:.25rem 0 1rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
fieldset{border:1px solid var(--line);border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem 1rem}
legend{font-weight:700;padding:0 .35rem}
.hint{color:var(--muted);font-size:.9rem;margin:.1rem 0 .5rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem 1rem}
label{display:block;font-weight:600;margin-bottom:.2rem}
.choice{display:inline-flex;align-items:center;gap:.35rem;font-weight:400;margin:0 1rem .25rem 0}
fieldset fieldset{border:0;padding:0;margin:0}
fieldset fieldset legend{font-weight:600;padding:0;margin-bottom:.2rem}
input,select,button{font:inherit}
input[type=text],input[type=number],select{width:100%;padding:.45rem .5rem;border:1px solid #767676;border-radius:.35rem;background:#fff;color:var(--ink)}
input[type=radio],input[type=checkbox]{width:1.1rem;height:1.1rem}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 5px #ffbf47}
button{cursor:pointer;border-radius:.4rem;border:1px solid var(--accent);background:#fff;color:var(--accent);padding:.45rem .8rem}
button.primary{background:var(--accent);color:#fff;font-weight:700;padding:.65rem 1.4rem}
.row{border:1px dashed var(--line);border-radius:.4rem;padding:.6rem;margin:.5rem 0}
.spaced{margin-top:.75rem}
.row .grid{grid-template-columns:repeat(auto-fill,minmax(11rem,1fr))}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
.privacy{background:var(--soft);border-radius:.5rem;padding:.6rem .8rem;font-size:.92rem}
.error{border:2px solid var(--no);background:var(--no-bg);color:var(--no);border-radius:.5rem;padding:.6rem .8rem}
.summary{font-weight:600}
.card{border:1px solid var(--line);border-radius:.6rem;padding:.9rem 1rem;margin:.9rem 0;break-inside:avoid}
.card.excluded{background:#fafafa}
.badge{display:inline-block;font-weight:700;border-radius:1rem;padding:.15rem .7rem;margin:0 0 .4rem;border:2px solid}
.badge.eligible{color:var(--ok);background:var(--ok-bg);border-color:var(--ok)}
.badge.possible{color:var(--maybe);background:var(--maybe-bg);border-color:var(--maybe)}
.badge.excluded{color:var(--no);background:var(--no-bg);border-color:var(--no)}
.meta{color:var(--muted);font-size:.92rem;margin:.2rem 0 .5rem}
.card h4{font-size:.98rem;margin:.7rem 0 .25rem}
.card ul{margin:.2rem 0;padding-left:1.2rem}
.card li{margin:.25rem 0}
blockquote{margin:.2rem 0 .2rem .2rem;padding:.1rem .6rem;border-left:3px solid var(--line);color:var(--muted);font-size:.92rem}
.site{background:var(--soft);border-radius:.4rem;padding:.45rem .6rem;margin:.5rem 0}
details summary{cursor:pointer;color:var(--accent);margin-top:.5rem}
.print-only{display:none}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:30rem){main{padding:.6rem}.grid{grid-template-columns:1fr}button.primary{width:100%}}
@media print{
  body{font-size:11pt}
  #profile-form,.no-print,.skip,details,.card.excluded,#onco-note{display:none!important}
  .print-only{display:block}
  main{max-width:none;padding:0}
  .card{border:1px solid #999;page-break-inside:avoid}
  .badge{border-width:1px}
  a[href^="https://clinicaltrials.gov"]::after{content:" (" attr(href) ")";font-size:.85em;color:#333}
}
`;

const SCRIPT = String.raw`
(function(){
'use strict';
var form=document.getElementById('profile-form');
var results=document.getElementById('results');
var statusEl=document.getElementById('status');
var errorsEl=document.getElementById('errors');
var bioRows=document.getElementById('biomarker-rows');
var rxRows=document.getElementById('therapy-rows');
var geneOptions=document.getElementById('gene-options').innerHTML;
var classOptions=document.getElementById('class-options').innerHTML;
var rowSeq=0;

function el(tag,attrs,children){
  var node=document.createElement(tag);
  if(attrs)for(var k in attrs){
    if(attrs[k]===undefined||attrs[k]===null||attrs[k]===false)continue;
    if(k==='text')node.textContent=attrs[k];
    else if(k==='className')node.className=attrs[k];
    else node.setAttribute(k,attrs[k]===true?'':attrs[k]);
  }
  (children||[]).forEach(function(c){if(c!==null&&c!==undefined)node.appendChild(typeof c==='string'?document.createTextNode(c):c);});
  return node;
}
function field(id,label,control){return el('div',null,[el('label',{'for':id,text:label}),control]);}
function select(id,name,html){var s=el('select',{id:id,name:name});s.innerHTML=html;return s;}
var UNKNOWN='<option value="">I don\'t know</option>';

function addBiomarker(){
  var n=++rowSeq, id='bm'+n;
  var gene=select(id+'-gene','gene','<option value="">Choose a gene</option>'+geneOptions);
  var alt=el('input',{type:'text',id:id+'-alt',name:'alteration',autocomplete:'off',placeholder:'e.g. exon 19 deletion'});
  var status=select(id+'-status','status','<option value="positive">Found (positive)</option><option value="negative">Not found (negative, wild-type)</option>');
  var remove=el('button',{type:'button',className:'no-print',text:'Remove this test result'});
  var row=el('div',{className:'row',role:'group','aria-label':'Test result '+n},[
    el('div',{className:'grid'},[field(id+'-gene','Gene',gene),field(id+'-status','Result',status),field(id+'-alt','Which change (if known)',alt)]),
    remove]);
  gene.addEventListener('change',function(){alt.setAttribute('list','alt-'+gene.value);});
  remove.addEventListener('click',function(){row.remove();document.getElementById('add-biomarker').focus();});
  bioRows.appendChild(row);
  return row;
}
function addTherapy(){
  var n=++rowSeq, id='rx'+n;
  var drug=el('input',{type:'text',id:id+'-drug',name:'drug',list:'drug-list',autocomplete:'off',placeholder:'e.g. Tagrisso or osimertinib'});
  var cls=select(id+'-class','class','<option value="">Not needed if the drug is named</option>'+classOptions);
  var setting=select(id+'-setting','setting',UNKNOWN+'<option value="metastatic">For advanced or metastatic cancer</option><option value="neoadjuvant">Before surgery (neoadjuvant)</option><option value="adjuvant">After surgery (adjuvant)</option><option value="consolidation">After chemoradiation (consolidation)</option>');
  var progressed=select(id+'-progressed','progressed',UNKNOWN+'<option value="true">Yes, it grew on or after it</option><option value="false">No</option>');
  var line=el('input',{type:'number',id:id+'-line',name:'line',min:'1',max:'20',step:'1',inputmode:'numeric'});
  var remove=el('button',{type:'button',className:'no-print',text:'Remove this treatment'});
  var row=el('div',{className:'row',role:'group','aria-label':'Treatment '+n},[
    el('div',{className:'grid'},[
      field(id+'-drug','Drug name',drug),
      field(id+'-class','Or the type of treatment',cls),
      field(id+'-setting','When it was given',setting),
      field(id+'-progressed','Did the cancer grow on it?',progressed),
      field(id+'-line','Line of treatment (1 = first)',line)]),
    el('p',{className:'hint',text:'Drugs given together in one regimen share the same line number. Leave it empty if you are not sure.'}),
    remove]);
  remove.addEventListener('click',function(){row.remove();document.getElementById('add-therapy').focus();});
  rxRows.appendChild(row);
  return row;
}
document.getElementById('add-biomarker').addEventListener('click',function(){addBiomarker().querySelector('select').focus();});
document.getElementById('add-therapy').addEventListener('click',function(){addTherapy().querySelector('input').focus();});
function syncTherapyList(){
  var v=(form.querySelector('input[name=treated]:checked')||{}).value;
  document.getElementById('therapy-list').hidden=v!=='yes';
  if(v==='yes'&&!rxRows.children.length)addTherapy();
}
Array.prototype.forEach.call(form.querySelectorAll('input[name=treated]'),function(r){r.addEventListener('change',syncTherapyList);});

function val(name){var f=form.elements[name];return f&&f.value!==undefined?String(f.value).trim():'';}
function radio(name){var c=form.querySelector('input[name="'+name+'"]:checked');return c?c.value:'';}
function bool(v){return v==='true'?true:v==='false'?false:undefined;}
function num(v){if(v==='')return undefined;var n=Number(v);return isFinite(n)?n:undefined;}

function buildRequest(){
  var p={diagnosis:{cancer:'nsclc'}};
  var d=p.diagnosis;
  if(val('histology'))d.histology=val('histology');
  if(val('stage'))d.stage=val('stage');
  var rec=bool(radio('recurrent'));if(rec!==undefined)d.recurrent=rec;
  var res=bool(radio('resected'));if(res!==undefined)d.resected=res;
  var bms=[];
  Array.prototype.forEach.call(bioRows.children,function(row){
    var gene=row.querySelector('[name=gene]').value;if(!gene)return;
    var b={gene:gene};var alt=row.querySelector('[name=alteration]').value.trim();
    var st=row.querySelector('[name=status]').value;
    if(alt)b.alteration=alt;
    if(st==='negative'||!alt)b.status=st;
    bms.push(b);
  });
  var tps=num(val('pdl1'));if(tps!==undefined)bms.push({gene:'PD-L1',tps:tps});
  if(bms.length)p.biomarkers=bms;
  var treated=radio('treated');
  if(treated==='none')p.priorTherapies=[];
  if(treated==='yes'){
    var rx=[];
    Array.prototype.forEach.call(rxRows.children,function(row){
      var t={};var drug=row.querySelector('[name=drug]').value.trim();var cls=row.querySelector('[name=class]').value;
      if(drug)t.drug=drug;else if(cls)t['class']=cls;else return;
      var s=row.querySelector('[name=setting]').value;if(s)t.setting=s;
      var pr=bool(row.querySelector('[name=progressed]').value);if(pr!==undefined)t.progressed=pr;
      var ln=num(row.querySelector('[name=line]').value);if(ln!==undefined)t.line=ln;
      rx.push(t);
    });
    p.priorTherapies=rx;
  }
  if(val('brain'))p.brainMetastases=val('brain');
  var ecog=num(val('ecog'));if(ecog!==undefined)p.ecog=ecog;
  var age=num(val('age'));if(age!==undefined)p.age=age;
  if(val('sex'))p.sex=val('sex');
  var zip=val('zip');
  if(zip){p.location={postalCode:zip,country:'US'};var km=num(val('distance'));if(km!==undefined)p.location.maxDistanceKm=km;}
  p.options={includeExcluded:document.getElementById('onco').checked};
  if(document.getElementById('closed').checked)p.filters={statuses:ALL_STATUSES};
  return p;
}

var VERDICT={
  eligible:{text:'Eligible',icon:'\u2713',explain:'on everything you entered'},
  possible:{text:'Possibly eligible',icon:'?',explain:'some facts it asks about are not known yet'},
  excluded:{text:'Not eligible',icon:'\u2715',explain:'something you entered rules it out'}};
var ALL_STATUSES=['RECRUITING','NOT_YET_RECRUITING','ENROLLING_BY_INVITATION','ACTIVE_NOT_RECRUITING','COMPLETED','SUSPENDED','TERMINATED','WITHDRAWN','UNKNOWN'];
var STATUS_TEXT={RECRUITING:'Recruiting',NOT_YET_RECRUITING:'Not yet recruiting',ENROLLING_BY_INVITATION:'Enrolling by invitation',ACTIVE_NOT_RECRUITING:'Active, not recruiting',COMPLETED:'Completed',TERMINATED:'Terminated',SUSPENDED:'Suspended',WITHDRAWN:'Withdrawn'};
function phaseText(ph){return (ph||[]).map(function(x){return x==='NA'?'no phase':x.replace('EARLY_PHASE1','early phase 1').replace(/^PHASE(\d)$/,'phase $1');}).join(' / ');}
function dateText(s){if(!s)return '';var d=new Date(s);return isNaN(d)?String(s):d.toLocaleDateString(undefined,{year:'numeric',month:'short',day:'numeric'});}
function kmText(km){if(typeof km!=='number')return '';return Math.round(km)+' km ('+Math.round(km/1.609)+' mi)';}
function reasonState(r){return r.status||r.outcome||r.result||'';}
function reasonLabel(r){var c=r.criterion;return (c&&typeof c==='object'?c.label:c)||r.label||'';}
function reasonQuote(r){return r.quote||(r.evidence&&r.evidence.quote)||'';}
function reasonList(items){
  return el('ul',null,items.map(function(r){
    var q=reasonQuote(r);var lab=reasonLabel(r);
    var extra=reasonState(r)==='unknown'&&r.needs?' (needs: '+r.needs+')':'';
    var cohort=r.cohort?' ['+r.cohort+']':'';
    return el('li',null,[lab?el('span',{text:lab+cohort+extra}):null,q?el('blockquote',{text:'\u201c'+q+'\u201d'}):null]);
  }));
}
function section(title,items,extra){
  if(!items||!items.length)return null;
  return el('div',{className:extra||''},[el('h4',{text:title}),reasonList(items)]);
}
function siteBlock(r,hasLocation){
  var s=r.nearestSite;
  var count=typeof r.recruitingSiteCount==='number'?r.recruitingSiteCount:undefined;
  var countText=count===undefined?'':count===0?'No site is recruiting yet.':count+(count===1?' site is':' sites are')+' recruiting.';
  if(!s)return el('p',{className:'site',text:(hasLocation?'No recruiting site with a known location. ':'Enter a ZIP code to see the nearest site. ')+countText});
  var where=[s.facility,[s.city,s.state,s.zip].filter(Boolean).join(', '),s.country&&s.country!=='United States'?s.country:''].filter(Boolean).join(' \u2014 ');
  var dist=kmText(s.distanceKm);
  var c=s.contact||{};
  var contact=[c.name,c.phone,c.email].filter(Boolean).join(' \u00b7 ');
  return el('div',{className:'site'},[
    el('strong',{text:'Nearest recruiting site: '}),document.createTextNode(where+(dist?' ('+dist+' away)':'')),
    contact?el('div',{text:'Contact: '+contact}):null,
    count&&count>1?el('div',{className:'hint',text:countText}):null]);
}
function card(r,index,hasLocation){
  var v=VERDICT[r.verdict]||{text:r.verdict,icon:'',explain:''};
  var reasons=r.reasons||[];
  var met=reasons.filter(function(x){return reasonState(x)==='met';});
  var unknown=reasons.filter(function(x){return reasonState(x)==='unknown';});
  var notMet=reasons.filter(function(x){return reasonState(x)==='not_met';});
  var discuss=r.toDiscuss||r.discuss||[];
  var hid='trial-'+index;
  var url=r.url||('https://clinicaltrials.gov/study/'+r.nctId);
  var meta=[r.nctId,phaseText(r.phases),STATUS_TEXT[r.status||r.overallStatus]||r.status||r.overallStatus,r.lastUpdatePostDate?'last updated '+dateText(r.lastUpdatePostDate):''].filter(Boolean).join(' \u00b7 ');
  var questions=(r.unknowns&&r.unknowns.length?r.unknowns:unknown.map(function(x){return x.needs||reasonLabel(x);})).filter(Boolean).map(function(n){return 'The trial asks about my '+n+': what is it, or can it be tested?';});
  return el('article',{className:'card '+r.verdict,'aria-labelledby':hid,'data-nct':r.nctId,'data-verdict':r.verdict},[
    el('p',{className:'verdict'},[el('span',{className:'badge '+r.verdict},[el('span',{'aria-hidden':'true',text:v.icon+' '}),v.text]),el('span',{className:'hint',text:' '+v.explain})]),
    el('h3',{id:hid,text:r.title||r.nctId}),
    el('p',{className:'meta',text:meta}),
    r.treatmentStudy===false?el('p',{className:'meta',text:'Not a treatment trial: a registry, a care or a testing study.'}):null,
    r.cohort?el('p',{className:'meta',text:'Best fitting part of the trial: '+r.cohort}):null,
    siteBlock(r,hasLocation),
    r.verdict==='excluded'?section('What rules it out',notMet):null,
    section(r.verdict==='eligible'?'Why it fits':'What fits',met),
    section('Not known yet (ask your doctor)',unknown),
    questions.length?el('div',{className:'print-only'},[el('h4',{text:'Questions for this trial'}),el('ul',null,questions.map(function(q){return el('li',{text:q});}))]):null,
    discuss.length?el('details',null,[el('summary',{text:'To discuss with your doctor ('+discuss.length+' other criteria, such as blood tests)'}),
      el('ul',null,discuss.map(function(x){return el('li',null,[el('blockquote',{text:'\u201c'+(typeof x==='string'?x:reasonQuote(x))+'\u201d'})]);}))]):null,
    el('p',null,[el('a',{href:url,target:'_blank',rel:'noopener noreferrer',text:'Read the full study on ClinicalTrials.gov'}),el('span',{className:'visually-hidden',text:' (opens in a new tab)'})])
  ]);
}
function showErrors(title,list){
  errorsEl.replaceChildren(el('h2',{text:title}),list.length?el('ul',null,list.map(function(m){return el('li',{text:m});})):null);
  errorsEl.hidden=false;errorsEl.focus();
}
function problemList(body){
  var out=[];
  var err=(body&&body.error)||{};
  (err.details||[]).forEach(function(i){out.push((i.path?i.path+': ':'')+(i.message||''));});
  if(!out.length&&err.message)out.push(err.message);
  return out;
}
function describeRequest(req){
  var out=[];var d=req.diagnosis;
  var dx=[d.histology&&d.histology.replace('_',' '),d.stage&&'stage '+d.stage,d.recurrent===true?'recurrent':d.recurrent===false?'not recurrent':'',d.resected===true?'resected':''].filter(Boolean);
  out.push('Diagnosis: non-small cell lung cancer'+(dx.length?', '+dx.join(', '):''));
  if(req.biomarkers)out.push('Tumour tests: '+req.biomarkers.map(function(b){return b.gene==='PD-L1'?'PD-L1 TPS '+b.tps+'%':b.gene+' '+(b.alteration||'')+(b.status==='negative'?' not found':b.alteration?'':' found');}).join('; '));
  if(req.priorTherapies)out.push('Treatments: '+(req.priorTherapies.length?req.priorTherapies.map(function(t){var x=[t.line?'line '+t.line:'',t.setting||'',t.progressed===true?'cancer grew on it':t.progressed===false?'no growth on it':''].filter(Boolean);return (t.drug||String(t['class']).replace(/_/g,' '))+(x.length?' ('+x.join(', ')+')':'');}).join('; '):'none yet'));
  if(req.brainMetastases)out.push('Brain metastases: '+req.brainMetastases.replace(/_/g,' '));
  if(req.ecog!==undefined)out.push('ECOG performance status: '+req.ecog);
  if(req.age!==undefined)out.push('Age: '+req.age);
  if(req.location)out.push('Near ZIP '+req.location.postalCode+(req.location.maxDistanceKm?', within '+req.location.maxDistanceKm+' km':''));
  return out;
}
function render(body,onco,hasLocation,req){
  var list=body.results||[];
  var counts={eligible:0,possible:0,excluded:0};
  list.forEach(function(r){counts[r.verdict]=(counts[r.verdict]||0)+1;});
  if(body.total){counts.eligible=body.total.eligible;counts.possible=body.total.possible;counts.excluded=body.total.excluded;}
  var shown=counts.eligible+counts.possible;
  var notes=(body.profile&&body.profile.notes)||[];
  var summary=shown===0?'No open trial fits what you entered.':shown+(shown===1?' trial':' trials')+' to discuss: '+counts.eligible+' eligible on what you entered, '+counts.possible+' possibly eligible.';
  var oncoText=onco?' '+counts.excluded+' excluded trial'+(counts.excluded===1?'':'s')+' shown with the reasons.':'';
  var synced=body.dataSyncedAt?'Trial data from ClinicalTrials.gov, last refreshed '+dateText(body.dataSyncedAt)+'.':'';
  var nodes=[el('h2',{id:'results-heading',className:'no-print',tabindex:'-1',text:'Results'}),el('p',{className:'summary'},[summary,oncoText?el('span',{className:'no-print',text:oncoText}):null]),synced?el('p',{className:'hint no-print',text:synced}):null];
  nodes.push(el('div',{className:'print-only'},[el('h2',{text:'What I entered'}),el('ul',null,describeRequest(req).map(function(t){return el('li',{text:t});}))]));
  if(notes.length)nodes.push(el('div',{className:'hint'},[el('h3',{text:'How we read what you entered'}),el('ul',null,notes.map(function(n){return el('li',{text:n.message});}))]));
  if(list.length<shown)nodes.push(el('p',{className:'hint',text:'Showing the first '+list.length+'.'}));
  if(shown>0)nodes.push(el('div',{className:'actions no-print'},[el('button',{type:'button',id:'print',text:'Print trials to discuss with my doctor'})]));
  list.forEach(function(r,i){nodes.push(card(r,i,hasLocation));});
  results.replaceChildren.apply(results,nodes.filter(Boolean));
  document.getElementById('print-date').textContent=new Date().toLocaleDateString(undefined,{year:'numeric',month:'long',day:'numeric'})+(synced?' \u00b7 '+synced:'');
  var pb=document.getElementById('print');if(pb)pb.addEventListener('click',function(){window.print();});
  statusEl.textContent=summary+oncoText;
  document.getElementById('results-heading').focus();
}
form.addEventListener('submit',function(ev){
  ev.preventDefault();
  errorsEl.hidden=true;
  var req=buildRequest();
  var onco=req.options.includeExcluded;
  var btn=document.getElementById('submit');btn.disabled=true;results.setAttribute('aria-busy','true');
  statusEl.textContent='Searching\u2026';
  fetch('v1/match',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(req),credentials:'same-origin',cache:'no-store',referrerPolicy:'no-referrer'})
    .then(function(res){return res.text().then(function(t){var b=null;try{b=JSON.parse(t);}catch(e){}return {ok:res.ok,status:res.status,body:b};});})
    .then(function(r){
      if(!r.ok){statusEl.textContent='The search could not be run.';showErrors(r.status>=500?'Something went wrong on our side. Please try again.':'Please check what you entered',problemList(r.body));return;}
      render(r.body||{},onco,!!req.location,req);
    })
    .catch(function(){statusEl.textContent='The search could not be run.';showErrors('The service could not be reached. Check your connection and try again.',[]);})
    .then(function(){btn.disabled=false;results.removeAttribute('aria-busy');});
});
['onco','closed'].forEach(function(id){document.getElementById(id).addEventListener('change',function(){
  if(results.children.length)form.requestSubmit();
});});
syncTherapyList();
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const body = `
<a class="skip" href="#results">Skip to results</a>
<main>
<header class="no-print">
<h1>Find lung cancer clinical trials to discuss with your doctor</h1>
<p class="lead">For non-small cell lung cancer (NSCLC). Answer only what you know: every question is optional, and <strong>&ldquo;I don&rsquo;t know&rdquo; never rules a trial out</strong>. It only marks it &ldquo;possibly eligible&rdquo;.</p>
<p class="privacy no-print">Private by design: what you enter stays in this page. It is sent once, to search, and is not stored, logged or tracked. Reloading the page clears it.</p>
</header>
<div class="print-only">
<h1>Trials to discuss with my doctor</h1>
<p id="print-date"></p>
<h2>Questions to ask</h2>
<ul>
<li>Could I take part in any of these trials? Which one would you suggest, and why?</li>
<li>Which of my test results or records would the trial team need (for example biomarker results that are missing below)?</li>
<li>How does each trial compare with the standard treatment I would otherwise get?</li>
<li>Where would I be treated, how often would I travel, and what costs are covered?</li>
<li>What happens if I join and the treatment does not work, or I want to stop?</li>
</ul>
</div>
<form id="profile-form" novalidate autocomplete="off">
<input type="hidden" name="cancer" value="nsclc">
<fieldset>
<legend>Your diagnosis</legend>
<p class="hint">This page is for non-small cell lung cancer only.</p>
<div class="grid">
<div><label for="histology">Type of NSCLC (histology)</label>
<select id="histology" name="histology"><option value="">I don't know</option>
<option value="adenocarcinoma">Adenocarcinoma</option><option value="squamous">Squamous cell carcinoma</option>
<option value="large_cell">Large cell carcinoma</option><option value="nsclc_nos">NSCLC, not otherwise specified</option>
<option value="non_squamous">Non-squamous (adenocarcinoma, large cell or NOS)</option></select></div>
<div><label for="stage">Stage</label>
<select id="stage" name="stage"><option value="">I don't know</option>
<optgroup label="Stage IV: spread to other parts of the body"><option value="IV">IV (not sure which)</option><option value="IVA">IVA</option><option value="IVB">IVB</option></optgroup>
<optgroup label="Stage III: spread to lymph nodes in the chest"><option value="III">III (not sure which)</option><option value="IIIA">IIIA</option><option value="IIIB">IIIB</option><option value="IIIC">IIIC</option></optgroup>
<optgroup label="Stage II"><option value="II">II (not sure which)</option><option value="IIA">IIA</option><option value="IIB">IIB</option></optgroup>
<optgroup label="Stage I: small, only in the lung"><option value="I">I (not sure which)</option><option value="IA">IA</option><option value="IA1">IA1</option><option value="IA2">IA2</option><option value="IA3">IA3</option><option value="IB">IB</option></optgroup>
</select></div>
</div>
<div class="grid">
<fieldset><legend>Did the cancer come back after treatment meant to cure it?</legend>
<label class="choice"><input type="radio" name="recurrent" value="" checked> I don't know</label>
<label class="choice"><input type="radio" name="recurrent" value="true"> Yes</label>
<label class="choice"><input type="radio" name="recurrent" value="false"> No</label></fieldset>
<fieldset><legend>Was the tumour completely removed by surgery?</legend>
<label class="choice"><input type="radio" name="resected" value="" checked> I don't know</label>
<label class="choice"><input type="radio" name="resected" value="true"> Yes</label>
<label class="choice"><input type="radio" name="resected" value="false"> No</label></fieldset>
</div>
</fieldset>

<fieldset>
<legend>Tumour test results (biomarkers)</legend>
<p class="hint">Add each gene your report mentions, found or not found. Usual spellings work (&ldquo;Ex19del&rdquo;, &ldquo;EML4-ALK&rdquo;, &ldquo;METex14&rdquo;). A gene you leave out counts as unknown, not as negative.</p>
<div id="biomarker-rows"></div>
<button type="button" id="add-biomarker">Add a test result</button>
<div class="grid spaced">
<div><label for="pdl1">PD-L1 tumour proportion score (TPS), %</label>
<input type="number" id="pdl1" name="pdl1" min="0" max="100" step="1" inputmode="numeric" aria-describedby="pdl1-hint">
<p class="hint" id="pdl1-hint">0 to 100. Leave empty if you don't know.</p></div>
</div>
</fieldset>

<fieldset>
<legend>Treatments so far</legend>
<fieldset><legend>Have you had treatment for this cancer (drugs, radiotherapy or surgery)?</legend>
<label class="choice"><input type="radio" name="treated" value="" checked> I don't know / prefer not to say</label>
<label class="choice"><input type="radio" name="treated" value="none"> No treatment yet</label>
<label class="choice"><input type="radio" name="treated" value="yes"> Yes</label></fieldset>
<div id="therapy-list" hidden>
<p class="hint">List every treatment: one that is not listed is taken as not given. Brand or generic names both work.</p>
<div id="therapy-rows"></div>
<button type="button" id="add-therapy">Add a treatment</button>
</div>
</fieldset>

<fieldset>
<legend>Your health</legend>
<div class="grid">
<div><label for="brain">Spread to the brain (brain metastases)</label>
<select id="brain" name="brain"><option value="">I don't know</option>
<option value="none">No brain metastases</option>
<option value="treated_stable">Treated and stable, off steroids</option>
<option value="untreated_asymptomatic">Untreated, no symptoms</option>
<option value="active">Active: causing symptoms or growing</option>
<option value="leptomeningeal">In the lining of the brain (leptomeningeal)</option></select></div>
<div><label for="ecog">Daily activity (ECOG performance status)</label>
<select id="ecog" name="ecog"><option value="">I don't know</option>
<option value="0">0: fully active, as before the illness</option>
<option value="1">1: light work possible, not strenuous activity</option>
<option value="2">2: up and about over half the day, cannot work</option>
<option value="3">3: in bed or a chair over half the day</option>
<option value="4">4: in bed or a chair all day</option></select></div>
<div><label for="age">Age (years)</label>
<input type="number" id="age" name="age" min="0" max="120" step="1" inputmode="numeric"></div>
<div><label for="sex">Sex</label>
<select id="sex" name="sex"><option value="">I don't know / prefer not to say</option><option value="female">Female</option><option value="male">Male</option></select></div>
</div>
</fieldset>

<fieldset>
<legend>Where you could travel to</legend>
<div class="grid">
<div><label for="zip">US ZIP code</label>
<input type="text" id="zip" name="zip" inputmode="numeric" pattern="[0-9]{5}" maxlength="5" aria-describedby="zip-hint">
<p class="hint" id="zip-hint">5 digits. Leave empty to see trials anywhere.</p></div>
<div><label for="distance">Up to this distance</label>
<select id="distance" name="distance"><option value="">Any distance</option>
<option value="80">50 miles (80 km)</option><option value="161">100 miles (161 km)</option>
<option value="322">200 miles (322 km)</option><option value="805">500 miles (805 km)</option><option value="1609">1,000 miles (1,609 km)</option></select></div>
</div>
</fieldset>

<div class="actions">
<button type="submit" id="submit" class="primary">Find trials</button>
<label class="choice" for="onco"><input type="checkbox" id="onco" name="onco"> Oncologist view: also show trials that are ruled out, and why</label>
<label class="choice" for="closed"><input type="checkbox" id="closed" name="closed"> Include trials that are not recruiting (closed, completed)</label>
</div>
</form>
<div id="errors" class="error" role="alert" tabindex="-1" hidden></div>
<p id="status" class="visually-hidden" role="status" aria-live="polite"></p>
<section id="results" aria-label="Results"></section>
<p class="hint">Trial information comes from ClinicalTrials.gov. This page does not give medical advice: only the trial team can confirm that someone can take part.</p>
</main>
<template id="gene-options">${geneOptions}</template>
<template id="class-options">${classOptions}</template>
<datalist id="drug-list">${drugList}</datalist>
${alterationLists}
`;

/** The whole page, served at `GET /` with `content-type: text/html; charset=utf-8`. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Lung cancer trial finder (NSCLC)</title>
<style>${STYLE}</style>
</head>
<body>${body}
<script>${SCRIPT}</script>
</body>
</html>
`;

/** The CSP of the page, for a handler that wants to send it as a header too. */
export const PAGE_CSP = CSP;
