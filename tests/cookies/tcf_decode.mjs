// Decode TC strings with the IAB Tech Lab reference library and print every field as JSON.
// Input: a JSON array of strings on stdin. Output: a JSON array of decoded models, or of
// {"error": message} for a string the library refuses.
import { TCString } from "@iabtechlabtcf/core";

const ids = (vector) => {
  const out = [];
  vector.forEach((value, id) => { if (value) out.push(id); });
  return out;
};

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => { data += chunk; });
  process.stdin.on("end", () => resolve(data));
}));

const results = input.map((encoded) => {
  try {
    const m = TCString.decode(encoded);
    return {
      segments: encoded.split(".").length,
      version: m.version,
      created: m.created.toISOString(),
      lastUpdated: m.lastUpdated.toISOString(),
      cmpId: m.cmpId,
      cmpVersion: m.cmpVersion,
      consentScreen: m.consentScreen,
      consentLanguage: m.consentLanguage,
      vendorListVersion: m.vendorListVersion,
      policyVersion: m.policyVersion,
      isServiceSpecific: m.isServiceSpecific,
      useNonStandardTexts: m.useNonStandardTexts,
      specialFeatureOptins: ids(m.specialFeatureOptins),
      purposeConsents: ids(m.purposeConsents),
      purposeLegitimateInterests: ids(m.purposeLegitimateInterests),
      purposeOneTreatment: m.purposeOneTreatment,
      publisherCountryCode: m.publisherCountryCode,
      vendorConsents: ids(m.vendorConsents),
      vendorConsentsMaxId: m.vendorConsents.maxId,
      vendorLegitimateInterests: ids(m.vendorLegitimateInterests),
      publisherRestrictions: m.publisherRestrictions.numRestrictions,
      vendorsDisclosed: ids(m.vendorsDisclosed),
      vendorsDisclosedMaxId: m.vendorsDisclosed.maxId,
      publisherConsents: ids(m.publisherConsents),
      publisherLegitimateInterests: ids(m.publisherLegitimateInterests),
      numCustomPurposes: m.numCustomPurposes,
    };
  } catch (err) {
    return { error: String(err && err.message || err) };
  }
});
process.stdout.write(JSON.stringify(results));
