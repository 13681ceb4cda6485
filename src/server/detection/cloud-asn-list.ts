/**
 * Hosting providers' AS numbers: the asn detector flags a report from one as `cloud-asn`
 * when `detectors.asn.cloud` is on (issue #14). Edit freely, one `[AS number, name]` a
 * line; an org adds or removes its own with `detectors.asn.cloudAsns` / `excludedAsns`
 * without a new build. Google's AS15169 is left out on purpose: Google's corporate egress,
 * Google One VPN and Chrome's IP Protection proxies share it with Google's services, so
 * listing it flags people, not only servers; Google Cloud's own AS396982 is listed (add
 * 15169 in `cloudAsns` to flag it too). Microsoft's AS8075 carries Azure and Microsoft's
 * own networks alike. Sources: each provider's published ASN (PeeringDB, bgp.he.net).
 */
export const CLOUD_ASNS: readonly (readonly [number, string])[] = [
  [16509, 'Amazon Web Services (AMAZON-02)'],
  [14618, 'Amazon Web Services (AMAZON-AES)'],
  [396982, 'Google Cloud Platform'],
  [8075, 'Microsoft Azure'],
  [14061, 'DigitalOcean'],
  [16276, 'OVHcloud'],
  [24940, 'Hetzner Online'],
  [213230, 'Hetzner Cloud'],
  [63949, 'Akamai Connected Cloud (Linode)'],
  [20473, 'Vultr (Choopa)'],
  [31898, 'Oracle Cloud'],
  [45102, 'Alibaba Cloud'],
  [132203, 'Tencent Cloud'],
  [12876, 'Scaleway'],
  [51167, 'Contabo'],
  [9009, 'M247'],
  [36352, 'ColoCrossing'],
  [53667, 'FranTech (BuyVM)'],
  [60781, 'Leaseweb Netherlands'],
  [28753, 'Leaseweb Germany'],
  [8100, 'QuadraNet'],
];
