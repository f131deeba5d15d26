/**
 * A deterministic sample shop rendered as EventBridge envelopes: a catalog whose prices and stock
 * move, customers who sign up, browse, fill carts, order, return and review, and the order
 * lifecycle the back office reports. Same options, same stream, byte for byte.
 *
 * Every customer is simulated on its own random stream (seeded from the run's seed and the
 * customer's index), so the work is linear in the number of customers and nothing but the
 * output is kept across customers.
 */
import type { Envelope as EventBridgeEnvelope } from "../functions/core/events/envelope.ts";
import type { Item } from "../functions/core/events/item.ts";

/** An envelope as the local tools read it (JSON Lines), with the fields this generator always sets. */
export type Envelope = Pick<EventBridgeEnvelope, "source" | "detail-type" | "detail"> & {
  id: string;
  time: string;
};

export interface ShopStreamOptions {
  seed?: number;
  customers?: number;
  /** Length of the shopping window; order follow-ups keep coming for a week after it. */
  days?: number;
  /** RFC 3339 start of the window. */
  start?: string;
  /** Invalid events, unknown detail-types, duplicate deliveries and out-of-order lines. */
  anomalies?: boolean;
}

export const SHOP_STREAM_DEFAULTS = {
  seed: 42,
  customers: 300,
  days: 60,
  start: "2026-03-02T00:00:00Z",
  anomalies: true,
} as const satisfies Required<ShopStreamOptions>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CURRENCY = "USD";
/** Deliveries, refunds and reviews of the last orders still arrive after the shopping window. */
const TAIL_DAYS = 7;
/** Rates in PERSONAS are per this many days of activity. */
const RATE_DAYS = 60;
const LOYALTY_PROGRAM = "shop-rewards";

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: tiny, fast, and good enough for sample data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Inclusive on both ends. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("cannot pick from an empty list");
    return item;
  }
}

/** Derives independent seeds (per customer, per concern) from the run's seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Weighted<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: Iterable<readonly [T, number]>) {
    for (const [item, weight] of entries) {
      if (weight <= 0) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
    if (this.items.length === 0) throw new Error("weighted list needs a positive weight");
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Local time

class LocalClock {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();
  private readonly offsets = new Map<string, Map<number, number>>();

  /** `firstDay`: UTC midnight of the window's first date; local day 0 is that calendar date. */
  constructor(private readonly firstDay: number) {}

  /** UTC offset in ms, cached per 6-hour bucket so DST switches land close enough. */
  offset(tz: string, t: number): number {
    let byBucket = this.offsets.get(tz);
    if (!byBucket) {
      byBucket = new Map();
      this.offsets.set(tz, byBucket);
    }
    const bucket = Math.floor(t / (6 * HOUR));
    let offset = byBucket.get(bucket);
    if (offset === undefined) {
      offset = this.computeOffset(tz, bucket * 6 * HOUR);
      byBucket.set(bucket, offset);
    }
    return offset;
  }

  /** Epoch ms of `hour` (fractional) on local day `day` in `tz`. */
  at(tz: string, day: number, hour: number): number {
    const utcMidnight = this.firstDay + day * DAY;
    return utcMidnight + hour * HOUR - this.offset(tz, utcMidnight + 12 * HOUR);
  }

  localDay(tz: string, t: number): number {
    return Math.floor((t + this.offset(tz, t) - this.firstDay) / DAY);
  }

  localHour(tz: string, t: number): number {
    return ((((t + this.offset(tz, t)) % DAY) + DAY) % DAY) / HOUR;
  }

  /** `t` if it falls in [fromHour, toHour) locally, else a little after the next `fromHour`. */
  daytime(tz: string, t: number, rng: Rng, fromHour = 9, toHour = 21): number {
    const hour = this.localHour(tz, t);
    if (hour >= fromHour && hour < toHour) return t;
    const wait = (fromHour - hour + 24) % 24;
    return t + wait * HOUR + rng.int(0, 150) * MINUTE;
  }

  private computeOffset(tz: string, t: number): number {
    let format = this.formats.get(tz);
    if (!format) {
      format = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" });
      this.formats.set(tz, format);
    }
    const name = format.formatToParts(new Date(t)).find((part) => part.type === "timeZoneName")?.value ?? "";
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!match) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return (match[1] === "-" ? -minutes : minutes) * MINUTE;
  }
}

// Shoppers' local hours: a lunch bump and an evening peak, little at night.
const HOUR_WEIGHTS = [
  0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.5, 1.6, 1.7, 2, 2, 1.6, 1.5, 1.5, 1.7, 2, 2.4, 2.6, 2.4,
  1.6, 0.8,
];
const SHOPPING_HOURS = new Weighted(HOUR_WEIGHTS.map((weight, hour) => [hour, weight] as const));

// ---------------------------------------------------------------------------------------------
// Output

/** Collects events unsorted; `times` runs parallel to `events` so sorting never parses a string. */
class Sink {
  readonly events: Envelope[] = [];
  readonly times: number[] = [];

  constructor(private readonly cutoff: number) {}

  add(t: number, source: string, type: string, detail: Record<string, unknown>): void {
    if (!(t < this.cutoff)) return;
    this.events.push({ id: "", source, "detail-type": type, time: "", detail });
    this.times.push(Math.floor(t / SECOND) * SECOND);
  }
}

const MINUTE_SECOND_SUFFIXES = Array.from(
  { length: 3600 },
  (_, i) => `${pad2(Math.floor(i / 60))}:${pad2(i % 60)}Z`,
);

/**
 * RFC 3339 UTC with seconds. Built piece by piece, each of a million timestamps would be a chain
 * of string fragments on the heap; a shared hour prefix plus a shared "mm:ssZ" suffix is one node.
 */
class TimeFormatter {
  private readonly hourPrefixes = new Map<number, string>();

  format(ms: number): string {
    const hour = Math.floor(ms / HOUR);
    let prefix = this.hourPrefixes.get(hour);
    if (prefix === undefined) {
      prefix = new Date(hour * HOUR).toISOString().slice(0, 14);
      this.hourPrefixes.set(hour, prefix);
    }
    return prefix + MINUTE_SECOND_SUFFIXES[Math.floor((ms - hour * HOUR) / SECOND)];
  }
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function money(amount: number): number {
  return Math.round(amount * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Catalog

type ProductRow = readonly [
  name: string,
  brand: string,
  category: string,
  price: number,
  replenishAfterDays?: number | null,
  upsell?: readonly number[],
];

// Numbers in the upsell column are product numbers (p-006 is 6).
const PRODUCT_ROWS: readonly ProductRow[] = [
  ["House Blend Beans 1 kg", "Northbean", "coffee", 24, 30],
  ["Ethiopia Yirgacheffe Beans 500 g", "Northbean", "coffee", 18.5, 21],
  ["Decaf Colombia Beans 500 g", "Northbean", "coffee", 17, 30],
  ["Espresso Capsules x50", "Northbean", "coffee", 21, 14],
  ["Cold Brew Concentrate 1 l", "Northbean", "coffee", 12, 14],
  ["Burr Grinder", "Crema Lab", "coffee", 149, null, [1, 2]],
  ["Espresso Machine Duo", "Crema Lab", "coffee", 549, null, [6, 4, 9]],
  ["Pour-Over Kit", "Crema Lab", "coffee", 59, null, [2, 10]],
  ["Milk Frother", "Crema Lab", "coffee", 79],
  ["Paper Filters x200", "Crema Lab", "coffee", 8, 45],
  ["Descaling Tablets", "Crema Lab", "coffee", 14, 60],
  ["Daily Moisturizer 50 ml", "Lumen", "skincare", 38, 30],
  ["Vitamin C Serum 30 ml", "Lumen", "skincare", 56, 30, [14]],
  ["Mineral Sunscreen SPF 50", "Lumen", "skincare", 29, 30],
  ["Gentle Cleanser 200 ml", "Lumen", "skincare", 24, 45],
  ["Night Repair Cream", "Lumen", "skincare", 72, 45],
  ["Skincare Gift Set", "Lumen", "skincare", 120, null, [12, 13]],
  ["Rice Water Toner", "Kiyomi", "skincare", 32, 30],
  ["Sheet Masks x10", "Kiyomi", "skincare", 22, 30],
  ["Hinoki Hand Cream", "Kiyomi", "skincare", 18, 30],
  ["Jade Facial Roller", "Kiyomi", "skincare", 45, null, [13, 18]],
  ["Camellia Cleansing Oil", "Kiyomi", "skincare", 36, 45],
  ["Linen Shirt", "Atelier Sud", "apparel", 89],
  ["Striped Breton Top", "Atelier Sud", "apparel", 65],
  ["Wool Overcoat", "Atelier Sud", "apparel", 420, null, [27, 26]],
  ["Cashmere Scarf", "Atelier Sud", "apparel", 145],
  ["Leather Gloves", "Atelier Sud", "apparel", 95],
  ["Chino Trousers", "Atelier Sud", "apparel", 110],
  ["Silk Dress", "Atelier Sud", "apparel", 240],
  ["Merino Base Layer", "Trailform", "apparel", 85],
  ["Rain Shell Jacket", "Trailform", "apparel", 210, null, [30]],
  ["Hiking Socks 3-pack", "Trailform", "apparel", 24, 90],
  ["Fleece Pullover", "Trailform", "apparel", 98],
  ["Trail Runner 2", "Trailform", "footwear", 139, null, [32, 36]],
  ["Hiking Boot GTX", "Trailform", "footwear", 199, null, [32, 37]],
  ["Running Insoles", "Trailform", "footwear", 35],
  ["Boot Care Kit", "Trailform", "footwear", 19, 90],
  ["Recovery Slide", "Trailform", "footwear", 49],
  ["Leather Loafer", "Atelier Sud", "footwear", 260, null, [37]],
  ["Canvas Sneaker", "Atelier Sud", "footwear", 95],
  ["Suede Chelsea Boot", "Atelier Sud", "footwear", 310, null, [37]],
  ["Stoneware Mug Set", "Hearth & Co", "home", 42],
  ["Linen Throw", "Hearth & Co", "home", 89],
  ["Fig Soy Candle", "Hearth & Co", "home", 28, 30],
  ["Cedar Reed Diffuser", "Hearth & Co", "home", 34, 45],
  ["Cast Iron Skillet", "Hearth & Co", "home", 69],
  ["Walnut Serving Board", "Hearth & Co", "home", 55],
  ["Wool Rug 160x230", "Hearth & Co", "home", 380],
  ["Ceramic Tea Set", "Kiyomi", "home", 118],
  ["Incense Sticks x40", "Kiyomi", "home", 16, 30],
  ["Oak Table Lamp", "Hearth & Co", "home", 149],
  ["Wireless Earbuds", "Sonora", "audio", 129, null, [56]],
  ["Studio Headphones", "Sonora", "audio", 299, null, [57, 55]],
  ["Bookshelf Speaker Pair", "Sonora", "audio", 449, null, [58]],
  ["Headphone Stand", "Sonora", "audio", 39],
  ["Earbud Tips & Case", "Sonora", "audio", 19],
  ["Travel Case", "Sonora", "audio", 29],
  ["Speaker Cable 5 m", "Sonora", "audio", 24],
  ["Portable Speaker", "Sonora", "audio", 149],
  ["Turntable", "Sonora", "audio", 379, null, [54]],
];
const HERO_PRODUCTS = new Set([1, 4, 7, 13, 34, 52]);
const PREMIUM_PRICE = 100;

interface PricePoint {
  readonly t: number;
  readonly price: number;
  readonly item: Item;
}

interface StockPoint {
  readonly t: number;
  readonly q: number;
}

interface Product {
  readonly id: string;
  readonly name: string;
  readonly brand: string;
  readonly category: string;
  readonly basePrice: number;
  readonly replenishAfterDays: number | undefined;
  readonly upsellProductIds: string[] | undefined;
  readonly popularity: number;
  /** Ascending; the first point holds from the beginning of time. */
  readonly prices: PricePoint[];
  readonly stock: StockPoint[];
}

function productId(n: number): string {
  return "p-" + String(n).padStart(3, "0");
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function catalogItem(p: Omit<Product, "prices" | "stock" | "popularity">, price: number): Item {
  const item: Item = {
    productId: p.id,
    name: `${p.brand} ${p.name}`,
    price,
    brand: p.brand,
    category: p.category,
    url: `https://shop.example.com/p/${p.id}-${slug(p.name)}`,
    imageUrl: `https://cdn.shop.example.com/img/${p.id}.jpg`,
  };
  if (p.replenishAfterDays !== undefined) item.replenishAfterDays = p.replenishAfterDays;
  if (p.upsellProductIds !== undefined) item.upsellProductIds = p.upsellProductIds;
  return item;
}

class Catalog {
  readonly products: Product[];
  readonly popular: Weighted<Product>;
  readonly premium: Weighted<Product>;
  readonly categories: string[];
  private readonly byBrand = new Map<string, Product[]>();
  private readonly byCategory = new Map<string, Product[]>();

  constructor(products: Product[]) {
    this.products = products;
    this.popular = new Weighted(products.map((p) => [p, p.popularity] as const));
    this.premium = new Weighted(
      products.filter((p) => p.basePrice >= PREMIUM_PRICE).map((p) => [p, p.popularity] as const),
    );
    for (const p of products) {
      pushTo(this.byBrand, p.brand, p);
      pushTo(this.byCategory, p.category, p);
    }
    this.categories = [...this.byCategory.keys()];
  }

  ofBrand(brand: string): Product[] {
    return this.byBrand.get(brand) ?? this.products;
  }

  ofCategory(category: string): Product[] {
    return this.byCategory.get(category) ?? this.products;
  }

  itemAt(p: Product, t: number): Item {
    let item = p.prices[0]!.item;
    for (const point of p.prices) {
      if (point.t > t) break;
      item = point.item;
    }
    return item;
  }

  inStock(p: Product, t: number): boolean {
    return p.stock[this.stockIndexAt(p, t)]!.q > 0;
  }

  /** When the product next comes back from zero, if it does. */
  nextRestock(p: Product, t: number): number | undefined {
    for (let i = this.stockIndexAt(p, t) + 1; i < p.stock.length; i++) {
      const point = p.stock[i]!;
      if (point.q > 0 && p.stock[i - 1]!.q === 0) return point.t;
    }
    return undefined;
  }

  /** When the price next drops by 10 % or more, if it does. */
  nextPriceDrop(p: Product, t: number): number | undefined {
    for (let i = 1; i < p.prices.length; i++) {
      const point = p.prices[i]!;
      if (point.t > t && point.price <= p.prices[i - 1]!.price * 0.9) return point.t;
    }
    return undefined;
  }

  private stockIndexAt(p: Product, t: number): number {
    let lo = 0;
    let hi = p.stock.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p.stock[mid]!.t <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function buildCatalog(world: Setting): Catalog {
  const rng = new Rng(mixSeed(world.seed, 0xca7a));
  const products = PRODUCT_ROWS.map(([name, brand, category, price, replenish, upsell], i): Product => {
    const base = {
      id: productId(i + 1),
      name,
      brand,
      category,
      basePrice: price,
      replenishAfterDays: replenish ?? undefined,
      upsellProductIds: upsell?.map(productId),
    };
    const popularity = HERO_PRODUCTS.has(i + 1) ? 3 : rng.float(0.4, 2);
    return {
      ...base,
      popularity,
      prices: [{ t: -Infinity, price, item: catalogItem(base, price) }],
      stock: [],
    };
  });
  const catalog = new Catalog(products);
  for (const p of products) {
    planPrices(world, p, rng);
    planStock(world, catalog, p, rng);
  }
  return catalog;
}

/** A sale (often 10-35 % off, back to full price later) for some products, a small tweak for others. */
function planPrices(world: Setting, p: Product, rng: Rng): void {
  const changeAt = (day: number) => world.start + day * DAY + rng.int(5 * 60, 7 * 60) * MINUTE;
  if (world.days >= 12 && rng.chance(0.2 + 0.12 * p.popularity)) {
    const startDay = rng.int(4, world.days - 6);
    const off = rng.chance(0.85) ? rng.float(0.12, 0.35) : rng.float(0.04, 0.08);
    const salePrice = money(Math.max(1, Math.round(p.basePrice * (1 - off)) - 0.01));
    changePrice(world, p, changeAt(startDay), salePrice);
    changePrice(world, p, changeAt(startDay + rng.int(4, 14)), p.basePrice);
  } else if (world.days >= 4 && rng.chance(0.1)) {
    const factor = rng.chance(0.5) ? 1.05 : 0.95;
    changePrice(world, p, changeAt(rng.int(2, world.days - 2)), money(p.basePrice * factor));
  }
}

function changePrice(world: Setting, p: Product, t: number, price: number): void {
  const previousPrice = p.prices[p.prices.length - 1]!.price;
  const item = catalogItem(p, price);
  p.prices.push({ t, price, item });
  world.sink.add(t, "shop.catalog", "product.price_changed", {
    product: item,
    price,
    previousPrice,
    currency: CURRENCY,
  });
}

/**
 * Warehouse syncs every few days. "Scarce" products sell out (crossing the low-stock line on the
 * way) and come back days later; the rest are restocked long before they run low.
 */
function planStock(world: Setting, catalog: Catalog, p: Product, rng: Rng): void {
  const scarce = rng.chance(0.12 + 0.08 * p.popularity);
  const soldOutAtStart = scarce && rng.chance(0.2);
  let q = soldOutAtStart ? 0 : scarce ? rng.int(8, 30) : rng.int(60, 250);
  let restockAt = soldOutAtStart ? world.start + rng.float(2, 12) * DAY : Infinity;
  p.stock.push({ t: -Infinity, q });
  let t = world.start + rng.float(0.1, 1.5) * DAY;
  while (t < world.end) {
    const interval = rng.float(2, 4);
    const previous = q;
    if (t >= restockAt) {
      q = scarce ? rng.int(15, 60) : rng.int(150, 300);
      restockAt = Infinity;
    } else if (q > 0) {
      const demand = Math.round(p.popularity * rng.float(0.5, 2.5) * interval * (scarce ? 1.5 : 1));
      q = Math.max(0, q - demand);
      if (q === 0) restockAt = t + rng.float(3, 10) * DAY;
      else if (q <= (scarce ? 3 : 30) && restockAt === Infinity) restockAt = t + rng.float(1, 4) * DAY;
    }
    if (q !== previous) {
      p.stock.push({ t, q });
      world.sink.add(t, "shop.catalog", "product.inventory_changed", {
        product: catalog.itemAt(p, t),
        quantity: q,
        previousQuantity: previous,
      });
    }
    t += interval * DAY;
  }
}

// ---------------------------------------------------------------------------------------------
// Customers

interface Zone {
  tz: string;
  weight: number;
  locale: string;
  names: "en" | "fr" | "ja";
  phone: (rng: Rng) => string;
  store: string;
  carriers: readonly string[];
}

const digits = (rng: Rng, n: number) => String(rng.int(10 ** (n - 1), 10 ** n - 1));
const usPhone = (areas: readonly string[]) => (rng: Rng) =>
  `+1${rng.pick(areas)}${rng.int(2, 9)}${digits(rng, 6)}`;

const ZONES: readonly Zone[] = [
  {
    tz: "America/New_York",
    weight: 30,
    locale: "en-US",
    names: "en",
    phone: usPhone(["212", "646", "917", "718"]),
    store: "st-nyc-soho",
    carriers: ["UPS", "FedEx", "USPS"],
  },
  {
    tz: "America/Chicago",
    weight: 10,
    locale: "en-US",
    names: "en",
    phone: usPhone(["312", "773"]),
    store: "st-chi-fulton",
    carriers: ["UPS", "FedEx", "USPS"],
  },
  {
    tz: "America/Los_Angeles",
    weight: 15,
    locale: "en-US",
    names: "en",
    phone: usPhone(["213", "310", "415"]),
    store: "st-la-abbot-kinney",
    carriers: ["UPS", "FedEx", "USPS"],
  },
  {
    tz: "Europe/London",
    weight: 15,
    locale: "en-GB",
    names: "en",
    phone: (rng) => `+447${digits(rng, 9)}`,
    store: "st-lon-carnaby",
    carriers: ["Royal Mail", "DPD"],
  },
  {
    tz: "Europe/Paris",
    weight: 15,
    locale: "fr-FR",
    names: "fr",
    phone: (rng) => `+336${digits(rng, 8)}`,
    store: "st-par-marais",
    carriers: ["Colissimo", "DPD"],
  },
  {
    tz: "Asia/Tokyo",
    weight: 10,
    locale: "ja-JP",
    names: "ja",
    phone: (rng) => `+8190${digits(rng, 8)}`,
    store: "st-tyo-ginza",
    carriers: ["Yamato", "Sagawa"],
  },
  {
    tz: "Australia/Sydney",
    weight: 5,
    locale: "en-AU",
    names: "en",
    phone: (rng) => `+614${digits(rng, 8)}`,
    store: "st-syd-paddington",
    carriers: ["Australia Post"],
  },
];
const ZONE_PICK = new Weighted(ZONES.map((zone) => [zone, zone.weight] as const));

const names = (text: string) => text.split(" ");
const FIRST_NAMES = {
  en: names(
    "Olivia Liam Emma Noah Ava Ethan Sophia Mason Isabella Lucas Mia James Amelia Benjamin Harper Grace Jack",
  ),
  fr: names("Camille Léa Manon Jules Hugo Lucas Chloé Inès Gabriel Arthur Louise Raphaël Zoé Théo Jade"),
  ja: names("Haruto Yui Sota Hina Yuto Aoi Riku Sakura Ren Mei Kaito Rin"),
};
const LAST_NAMES = {
  en: names(
    "Smith Johnson Brown Taylor Miller Davis Wilson Clark Lewis Walker Hall Young King Wright Scott Baker",
  ),
  fr: names(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel",
  ),
  ja: names("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato"),
};
const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"];

type Persona =
  | "dormant"
  | "browser"
  | "windowShopper"
  | "oneTime"
  | "repeat"
  | "lapsed"
  | "loyal"
  | "bigSpender"
  | "earlyOneShot";

type Range = readonly [number, number];

interface PersonaTraits {
  /** Sessions and orders per RATE_DAYS of activity. */
  sessions: Range;
  orders: Range;
  views: Range;
  /** Chance that a non-buying session still puts something in the cart. */
  cartIntent: number;
  wishlist: number;
  basket: Range;
  premium: number;
  loyalty: number;
  pickup: number;
  /** May a restock or sale bring them back to buy? */
  returnsToBuy: boolean;
}

const PERSONAS: Record<Persona, PersonaTraits> = {
  dormant: {
    sessions: [0, 1],
    orders: [0, 0],
    views: [1, 3],
    cartIntent: 0.05,
    wishlist: 0.02,
    basket: [1, 1],
    premium: 0,
    loyalty: 0,
    pickup: 0,
    returnsToBuy: false,
  },
  browser: {
    sessions: [2, 6],
    orders: [0, 0],
    views: [2, 5],
    cartIntent: 0.35,
    wishlist: 0.06,
    basket: [1, 2],
    premium: 0.1,
    loyalty: 0,
    pickup: 0,
    returnsToBuy: false,
  },
  windowShopper: {
    sessions: [4, 7],
    orders: [0, 0],
    views: [2, 4],
    cartIntent: 0,
    wishlist: 0.08,
    basket: [1, 1],
    premium: 0.2,
    loyalty: 0,
    pickup: 0,
    returnsToBuy: false,
  },
  oneTime: {
    sessions: [3, 7],
    orders: [1, 1],
    views: [2, 6],
    cartIntent: 0.25,
    wishlist: 0.05,
    basket: [1, 3],
    premium: 0.15,
    loyalty: 0.1,
    pickup: 0.2,
    returnsToBuy: true,
  },
  repeat: {
    sessions: [6, 12],
    orders: [2, 4],
    views: [2, 7],
    cartIntent: 0.25,
    wishlist: 0.06,
    basket: [1, 3],
    premium: 0.2,
    loyalty: 0.3,
    pickup: 0.2,
    returnsToBuy: true,
  },
  lapsed: {
    sessions: [3, 5],
    orders: [2, 3],
    views: [2, 5],
    cartIntent: 0.2,
    wishlist: 0.05,
    basket: [2, 3],
    premium: 0.5,
    loyalty: 0.3,
    pickup: 0.2,
    returnsToBuy: false,
  },
  loyal: {
    sessions: [9, 16],
    orders: [4, 8],
    views: [2, 7],
    cartIntent: 0.2,
    wishlist: 0.08,
    basket: [1, 3],
    premium: 0.25,
    loyalty: 0.6,
    pickup: 0.25,
    returnsToBuy: true,
  },
  bigSpender: {
    sessions: [9, 16],
    orders: [6, 10],
    views: [3, 7],
    cartIntent: 0.2,
    wishlist: 0.1,
    basket: [2, 4],
    premium: 0.7,
    loyalty: 0.6,
    pickup: 0.1,
    returnsToBuy: true,
  },
  earlyOneShot: {
    sessions: [1, 2],
    orders: [1, 1],
    views: [2, 4],
    cartIntent: 0,
    wishlist: 0.03,
    basket: [1, 2],
    premium: 0.15,
    loyalty: 0,
    pickup: 0.15,
    returnsToBuy: false,
  },
};

const PERSONA_PICK = new Weighted<Persona>([
  ["dormant", 10],
  ["browser", 15],
  ["windowShopper", 8],
  ["oneTime", 29],
  ["repeat", 22],
  ["lapsed", 5],
  ["loyal", 7],
  ["bigSpender", 4],
]);
const REPLENISHERS = new Set<Persona>(["repeat", "loyal", "bigSpender"]);
const REFERRERS = new Set<Persona>(["oneTime", "repeat", "loyal", "bigSpender"]);
/** One customer in this many places a single order in the first days and never again. */
const EARLY_ONE_SHOT_EVERY = 15;

interface Profile {
  readonly index: number;
  readonly id: string;
  readonly persona: Persona;
  readonly traits: PersonaTraits;
  readonly preexisting: boolean;
  readonly zone: Zone;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | undefined;
  readonly phone: string | undefined;
  readonly smsOptIn: boolean;
  readonly newsletter: boolean;
  readonly app: "ios" | "android" | undefined;
  readonly preferredHour: number;
  readonly favoriteBrand: string;
  readonly favoriteCategory: string;
  readonly signupAt: number;
  readonly referrerId: string | undefined;
  readonly enrollAfterOrder: number;
}

function personaOf(world: World, index: number): { persona: Persona; preexisting: boolean } {
  if (index % EARLY_ONE_SHOT_EVERY === 7) return { persona: "earlyOneShot", preexisting: true };
  const rng = new Rng(mixSeed(world.seed, 0x9e55, index));
  const persona = PERSONA_PICK.pick(rng);
  return { persona, preexisting: persona === "lapsed" || rng.chance(0.1) };
}

function customerId(world: World, index: number): string {
  return "c-" + String(index + 1).padStart(world.customerIdWidth, "0");
}

function asciiLower(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function makeProfile(world: World, index: number, rng: Rng): Profile {
  const { persona, preexisting } = personaOf(world, index);
  const traits = PERSONAS[persona];
  const zone = ZONE_PICK.pick(rng);
  const firstName = rng.pick(FIRST_NAMES[zone.names]);
  const lastName = rng.pick(LAST_NAMES[zone.names]);
  const id = customerId(world, index);
  const hasEmail = rng.chance(0.97);
  const phone = rng.chance(0.5) || !hasEmail ? zone.phone(rng) : undefined;
  const favoriteCategory = rng.pick(world.catalog.categories);
  const favoriteBrand = rng.pick(world.catalog.ofCategory(favoriteCategory)).brand;
  const preferredHour = SHOPPING_HOURS.pick(rng);
  const signupAt = preexisting
    ? world.start + rng.int(0, 7200) * SECOND
    : signupTime(world, zone.tz, rng.int(0, world.days - 1), SHOPPING_HOURS.pick(rng) + rng.next(), rng);
  const referrerId =
    !preexisting && signupAt >= world.start + DAY && rng.chance(0.06)
      ? findReferrer(world, index, rng)
      : undefined;
  return {
    index,
    id,
    persona,
    traits,
    preexisting,
    zone,
    firstName,
    lastName,
    email: hasEmail
      ? `${asciiLower(firstName)}.${asciiLower(lastName)}${index + 1}@${rng.pick(EMAIL_DOMAINS)}`
      : undefined,
    phone,
    smsOptIn: phone !== undefined && rng.chance(0.4),
    newsletter: rng.chance(0.3),
    app: rng.chance(0.35) ? (rng.chance(0.6) ? "ios" : "android") : undefined,
    preferredHour,
    favoriteBrand,
    favoriteCategory,
    signupAt,
    referrerId,
    enrollAfterOrder: rng.chance(traits.loyalty) ? rng.int(1, 3) : 0,
  };
}

function signupTime(world: World, tz: string, day: number, hour: number, rng: Rng): number {
  let at = world.clock.at(tz, day, hour);
  while (at < world.start) at += DAY;
  while (at >= world.end) at -= DAY;
  return Math.max(at, world.start + rng.int(2, 3) * HOUR);
}

/** Referrers are established customers, so they signed up before anyone they refer. */
function findReferrer(world: World, index: number, rng: Rng): string | undefined {
  for (let attempt = 0; attempt < 10; attempt++) {
    const candidate = rng.int(0, world.customers - 1);
    if (candidate === index) continue;
    const { persona, preexisting } = personaOf(world, candidate);
    if (preexisting && REFERRERS.has(persona)) return customerId(world, candidate);
  }
  return undefined;
}

type SessionKind = "browse" | "buy" | "convert";

interface Session {
  t: number;
  kind: SessionKind;
  /** A product they come back for (restock, sale, replenishment). */
  focus?: Product;
}

interface CartLine {
  product: Product;
  item: Item;
}

interface Cart {
  id: string;
  lines: CartLine[];
}

interface Order {
  id: string;
  t: number;
  source: string;
  lines: CartLine[];
  total: number;
  fulfillment: "ship" | "pickup";
}

type Tier = "bronze" | "silver" | "gold";

interface Loyalty {
  balance: number;
  earned: number;
  tier: Tier;
}

const tierFor = (earned: number): Tier => (earned >= 1500 ? "gold" : earned >= 500 ? "silver" : "bronze");
const RATINGS = new Weighted([
  [5, 50],
  [4, 28],
  [3, 10],
  [2, 6],
  [1, 6],
] as const);
const SUPPORT_CHANNELS = ["email", "chat", "phone", "whatsapp"] as const;

/** One customer's life over the window; emits straight into the world's sink. */
class Shopper {
  private now: number;
  private cursor: number;
  private cart: Cart | undefined;
  private pendingConvert = false;
  private pushTokenSent = false;
  private ordersPlaced = 0;
  private sessionsRun = 0;
  private loyalty: Loyalty | undefined;
  private readonly counters = { cart: 0, order: 0, return: 0, ticket: 0 };
  private readonly wishlist = new Set<Product>();
  private readonly alerts = new Set<string>();
  private readonly queue: Session[] = [];

  constructor(
    private readonly world: World,
    private readonly c: Profile,
    private readonly rng: Rng,
  ) {
    this.now = c.signupAt;
    this.cursor = c.signupAt;
  }

  live(): void {
    this.signUp();
    this.updateProfile();
    this.changeConsents();
    this.contactSupport();
    this.planSessions();
    for (let session = this.queue.shift(); session; session = this.queue.shift()) this.runSession(session);
  }

  // --- profile, consent, support ---------------------------------------------------------------

  private signUp(): void {
    const { c } = this;
    const attributes: Record<string, unknown> = { acquisition: this.acquisition() };
    if (c.preexisting) attributes.memberSince = isoDate(this.world.start - this.rng.int(30, 1500) * DAY);
    if (c.referrerId) attributes.referredBy = c.referrerId;
    const detail: Record<string, unknown> = {};
    if (c.email) detail.email = c.email;
    if (c.phone) detail.phone = c.phone;
    Object.assign(detail, {
      firstName: c.firstName,
      lastName: c.lastName,
      timezone: c.zone.tz,
      locale: c.zone.locale,
    });
    detail.newsletter = c.newsletter;
    if (c.phone) detail.smsOptIn = c.smsOptIn;
    detail.attributes = attributes;
    this.emit(
      c.signupAt,
      c.app && this.rng.chance(0.5) ? "shop.app" : "shop.web",
      "customer.signed_up",
      detail,
    );
  }

  private acquisition(): string {
    if (this.c.referrerId) return "referral";
    return this.rng.pick(["organic", "organic", "paid_search", "paid_social", "email", "store"]);
  }

  /** Birthdays and other dates; pre-existing customers get some inside the window so markers fire. */
  private updateProfile(): void {
    const { rng, world, c } = this;
    const early = c.preexisting && rng.chance(0.3);
    if (early || rng.chance(0.12)) {
      const at = early ? c.signupAt + rng.float(1, 60) * HOUR : this.randomMomentAfterSignup();
      const dateInWindow = world.start + rng.int(Math.min(10, world.days - 1), world.days - 1) * DAY;
      const birthday = early ? dateInWindow : world.start + rng.int(0, 364) * DAY;
      const detail: Record<string, unknown> = { birthday: withYear(birthday, rng.int(1960, 2004)) };
      if (rng.chance(0.25)) detail.dates = { anniversary: withYear(dateInWindow, rng.int(1995, 2022)) };
      this.emit(at, "shop.web", "customer.updated", detail);
    }
    if (!c.phone && rng.chance(0.06)) {
      this.emit(this.randomMomentAfterSignup(), "shop.web", "customer.updated", {
        phone: c.zone.phone(rng),
        smsOptIn: true,
      });
    }
    if (c.preexisting && c.app && rng.chance(0.5)) this.sendPushToken(c.signupAt + rng.float(2, 30) * HOUR);
  }

  private changeConsents(): void {
    const { rng, c } = this;
    if (rng.chance(0.04)) {
      const topic = c.newsletter && rng.chance(0.4) ? { topic: "newsletter" } : {};
      this.consent("email", "opted_out", topic);
    }
    if (!c.newsletter && rng.chance(0.07)) this.consent("email", "opted_in", { topic: "newsletter" });
    if (c.phone && !c.smsOptIn && rng.chance(0.15)) this.consent("sms", "opted_in");
    if (c.phone && c.smsOptIn && rng.chance(0.06)) this.consent("sms", "opted_out");
    if (c.app && rng.chance(0.06)) this.consent("push", "opted_out");
  }

  private consent(channel: string, status: string, extra: Record<string, unknown> = {}): void {
    const source = channel === "push" ? "shop.app" : "shop.web";
    this.emit(this.randomMomentAfterSignup(), source, "consent.updated", { channel, ...extra, status });
  }

  private contactSupport(): void {
    const { rng } = this;
    if (!rng.chance(0.05)) return;
    const ticketId = `t-${this.number()}-${++this.counters.ticket}`;
    const channel = rng.pick(SUPPORT_CHANNELS);
    const opened = this.randomMomentAfterSignup();
    this.emit(opened, "shop.support", "support.ticket_opened", { ticketId, channel });
    if (rng.chance(0.85)) {
      const resolved = this.world.clock.daytime(this.c.zone.tz, opened + rng.float(1, 72) * HOUR, rng, 8, 20);
      this.emit(resolved, "shop.support", "support.ticket_resolved", { ticketId, channel });
    }
  }

  private randomMomentAfterSignup(): number {
    const { world, rng } = this;
    const from = this.c.signupAt + HOUR;
    const at = from + rng.next() * Math.max(0, world.end - from);
    return world.clock.daytime(this.c.zone.tz, at, rng);
  }

  private sendPushToken(at: number): void {
    if (this.pushTokenSent || !this.c.app) return;
    this.pushTokenSent = true;
    const prefix = this.c.app === "ios" ? "apns" : "fcm";
    const token = `${prefix}-${mixSeed(this.world.seed, this.c.index, 0x70b).toString(16).padStart(8, "0")}`;
    this.emit(at, "shop.app", "customer.updated", { pushToken: token });
  }

  // --- sessions ----------------------------------------------------------------------------------

  private activeSpan(): Range {
    const { world, c, rng } = this;
    switch (c.persona) {
      case "earlyOneShot":
        return [c.signupAt, Math.min(world.end, world.start + 3 * DAY)];
      case "lapsed":
        return [c.signupAt, Math.min(world.end, world.start + Math.min(25, world.days / 2) * DAY)];
      case "windowShopper": {
        const from = c.signupAt + rng.next() * Math.max(0, world.end - c.signupAt - 14 * DAY);
        return [from, Math.min(world.end, from + 14 * DAY)];
      }
      default:
        return [c.signupAt, world.end];
    }
  }

  private planSessions(): void {
    const { traits, persona } = this.c;
    const [from, to] = this.activeSpan();
    if (!(to > from)) return;
    const fixedSpan = persona === "earlyOneShot" || persona === "lapsed" || persona === "windowShopper";
    const scale = fixedSpan ? 1 : (to - from) / (RATE_DAYS * DAY);
    const orders = this.scaled(traits.orders, scale);
    const count = Math.max(
      orders + (orders > 0 && persona !== "earlyOneShot" ? 1 : 0),
      this.scaled(traits.sessions, scale),
    );
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(this.sessionTime(from, to));
    times.sort((a, b) => a - b);
    if (!this.c.preexisting && times.length > 0 && this.rng.chance(0.8)) times[0] = this.c.signupAt;
    const buys = this.chooseBuySessions(times.length, orders);
    times.forEach((at, i) => {
      this.schedule({ t: at, kind: buys.has(i) ? "buy" : "browse" });
    });
  }

  private scaled([lo, hi]: Range, scale: number): number {
    if (hi === 0) return 0;
    return Math.max(lo > 0 ? 1 : 0, Math.round(this.rng.int(lo, hi) * scale));
  }

  /** Sessions cluster in the first week after they show up, then spread out. */
  private sessionTime(from: number, to: number): number {
    const { rng, world, c } = this;
    const span = to - from;
    const soon = -Math.log(1 - rng.next()) * 3 * DAY;
    const offset = rng.chance(0.4) && soon < span ? soon : span * rng.next();
    const day = world.clock.localDay(c.zone.tz, from + offset);
    const at = world.clock.at(c.zone.tz, day, this.sessionHour());
    return at < from ? from + rng.int(20, 180) * MINUTE : at;
  }

  /** Around their habitual hour half the time, which gives the best send hour something to learn. */
  private sessionHour(): number {
    const { rng } = this;
    if (rng.chance(0.55)) {
      const hour = this.c.preferredHour + (rng.next() - rng.next()) * 1.5;
      return Math.min(23.9, Math.max(0, hour + 0.5));
    }
    return SHOPPING_HOURS.pick(rng) + rng.next();
  }

  private chooseBuySessions(count: number, orders: number): Set<number> {
    const { persona } = this.c;
    if (orders === 0 || count === 0) return new Set();
    if (persona === "earlyOneShot") return new Set([0]);
    if (persona === "oneTime") return new Set([this.rng.int(0, Math.min(2, count - 1))]);
    const indexes = Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < Math.min(orders, count); i++) {
      const j = this.rng.int(i, count - 1);
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
    return new Set(indexes.slice(0, orders));
  }

  private schedule(session: Session): void {
    const { queue } = this;
    let i = queue.length;
    while (i > 0 && queue[i - 1]!.t > session.t) i--;
    queue.splice(i, 0, session);
  }

  private runSession(session: Session): void {
    // The first session is usually the one they signed up in.
    const gap = this.sessionsRun++ === 0 ? this.rng.int(1, 4) : this.rng.int(20, 90);
    this.now = Math.max(session.t, this.cursor + gap * MINUTE);
    if (this.now >= this.world.end) return;
    const source = this.openSession();
    if (session.kind === "convert") {
      this.resumeCheckout(source);
    } else {
      const seen = this.browse(source, session.focus);
      if (session.kind === "buy") this.buy(source, seen, session.focus);
      else this.maybeFillCart(source, seen);
    }
    this.cursor = this.now;
  }

  private openSession(): string {
    const { c, rng } = this;
    if (!c.app || !rng.chance(0.7)) return "shop.web";
    this.emit(this.now, "shop.app", "app.opened", { platform: c.app });
    if (!this.pushTokenSent && rng.chance(0.8)) this.sendPushToken(this.advance(5, 30));
    return "shop.app";
  }

  /** Moves the session clock on by a few seconds and returns it. */
  private advance(minSeconds: number, maxSeconds: number): number {
    this.now += this.rng.int(minSeconds, maxSeconds) * SECOND;
    return this.now;
  }

  private browse(source: string, focus: Product | undefined): Product[] {
    const { rng, c } = this;
    const seen: Product[] = [];
    const views = rng.int(c.traits.views[0], c.traits.views[1]);
    for (let i = 0; i < views; i++) {
      const product = i === 0 && focus ? focus : this.pickProduct();
      this.view(source, product);
      if (this.world.catalog.inStock(product, this.now) && !seen.includes(product)) seen.push(product);
    }
    if (this.wishlist.size > 0 && rng.chance(0.08)) this.unwish(source, this.anyWished());
    return seen;
  }

  private pickProduct(): Product {
    const { rng, c, world } = this;
    const r = rng.next();
    if (r < 0.4) return rng.pick(world.catalog.ofBrand(c.favoriteBrand));
    if (r < 0.65) return rng.pick(world.catalog.ofCategory(c.favoriteCategory));
    if (rng.chance(c.traits.premium)) return world.catalog.premium.pick(rng);
    return world.catalog.popular.pick(rng);
  }

  private view(source: string, product: Product): void {
    const { rng, world, c } = this;
    this.advance(20, 150);
    this.emit(this.now, source, "product.viewed", { product: world.catalog.itemAt(product, this.now) });
    if (!world.catalog.inStock(product, this.now)) {
      if (!this.alerts.has("stock" + product.id) && rng.chance(0.35)) {
        this.alerts.add("stock" + product.id);
        this.advance(10, 40);
        this.emit(this.now, source, "product.alert_requested", {
          productId: product.id,
          kind: "back_in_stock",
        });
        this.comeBackOnRestock(product);
      } else if (!this.wishlist.has(product) && rng.chance(0.25)) {
        this.wish(source, product);
        this.comeBackOnRestock(product);
      }
      return;
    }
    if (!this.wishlist.has(product) && rng.chance(c.traits.wishlist)) {
      this.wish(source, product);
      this.comeBackOnSale(product);
    } else if (
      product.basePrice >= PREMIUM_PRICE &&
      !this.alerts.has("price" + product.id) &&
      rng.chance(0.04)
    ) {
      this.alerts.add("price" + product.id);
      this.advance(10, 40);
      this.emit(this.now, source, "product.alert_requested", { productId: product.id, kind: "price_drop" });
      this.comeBackOnSale(product);
    }
  }

  private wish(source: string, product: Product): void {
    this.wishlist.add(product);
    this.emit(this.advance(5, 30), source, "wishlist.added", {
      product: this.world.catalog.itemAt(product, this.now),
    });
  }

  private unwish(source: string, product: Product): void {
    this.wishlist.delete(product);
    this.emit(this.advance(5, 30), source, "wishlist.removed", {
      product: this.world.catalog.itemAt(product, this.now),
    });
  }

  private anyWished(): Product {
    const index = Math.floor(this.rng.next() * this.wishlist.size);
    let i = 0;
    for (const product of this.wishlist) if (i++ === index) return product;
    throw new Error("wishlist changed while picking");
  }

  private comeBackOnRestock(product: Product): void {
    const restock = this.world.catalog.nextRestock(product, this.now);
    if (restock !== undefined && this.rng.chance(0.55)) this.comeBack(product, restock);
  }

  private comeBackOnSale(product: Product): void {
    const drop = this.world.catalog.nextPriceDrop(product, this.now);
    if (drop !== undefined && drop - this.now < 21 * DAY && this.rng.chance(0.5))
      this.comeBack(product, drop);
  }

  private comeBack(product: Product, after: number): void {
    const { rng, world, c } = this;
    const at = world.clock.daytime(c.zone.tz, after + rng.float(1, 36) * HOUR, rng);
    if (at >= world.end) return;
    const kind = c.traits.returnsToBuy && rng.chance(0.5) ? "buy" : "browse";
    this.schedule({ t: at, kind, focus: product });
  }

  // --- carts and orders --------------------------------------------------------------------------

  private maybeFillCart(source: string, seen: Product[]): void {
    const { rng, c } = this;
    if (this.cart && !this.pendingConvert && rng.chance(0.12)) {
      this.emptyCart(source);
      return;
    }
    if (seen.length === 0 || !rng.chance(c.traits.cartIntent)) return;
    const adds = Math.min(seen.length, rng.int(1, 2));
    for (let i = 0; i < adds; i++) this.addToCart(source, seen[i]!, 1);
    if (rng.chance(0.25)) this.startCheckout(source);
  }

  private buy(source: string, seen: Product[], focus: Product | undefined): void {
    const { rng, c, world } = this;
    const wanted = rng.int(c.traits.basket[0], c.traits.basket[1]);
    const candidates = [...seen];
    if (focus && world.catalog.inStock(focus, this.now) && !candidates.includes(focus))
      candidates.unshift(focus);
    for (const product of this.wishlist) {
      if (rng.chance(0.3) && world.catalog.inStock(product, this.now)) candidates.push(product);
    }
    for (let tries = 0; candidates.length === 0 && tries < 5; tries++) {
      const product = this.pickProduct();
      if (world.catalog.inStock(product, this.now)) candidates.push(product);
    }
    let added = this.cart?.lines.length ?? 0;
    for (const product of candidates) {
      if (added >= wanted) break;
      if (this.cart?.lines.some((line) => line.product === product)) continue;
      const quantity = product.replenishAfterDays !== undefined && rng.chance(0.3) ? rng.int(2, 3) : 1;
      this.addToCart(source, product, quantity);
      added++;
    }
    if (!this.cart || this.cart.lines.length === 0) return;
    this.finishPurchase(source);
  }

  /** Most buy now; some leave the cart (or the checkout) and come back hours later or the next day. */
  private finishPurchase(source: string): void {
    const r = this.rng.next();
    if (r < 0.55) {
      this.startCheckout(source);
      this.placeOrder(source);
    } else if (r < 0.65) {
      this.startCheckout(source);
      this.now += this.rng.int(25, 50) * MINUTE;
      this.placeOrder(source);
    } else {
      if (r >= 0.9) this.startCheckout(source);
      this.scheduleConvert();
    }
  }

  private scheduleConvert(): void {
    const { rng, world, c } = this;
    const delay = rng.chance(0.5) ? rng.float(2, 8) : rng.float(18, 30);
    const at = world.clock.daytime(c.zone.tz, this.now + delay * HOUR, rng, 8, 23);
    if (at >= world.end) return;
    this.pendingConvert = true;
    this.schedule({ t: at, kind: "convert" });
  }

  private resumeCheckout(source: string): void {
    this.pendingConvert = false;
    const cart = this.cart;
    if (!cart || cart.lines.length === 0) {
      this.browse(source, undefined);
      return;
    }
    this.view(source, this.rng.pick(cart.lines).product);
    if (this.rng.chance(0.3)) {
      const extra = this.pickProduct();
      if (this.world.catalog.inStock(extra, this.now) && !cart.lines.some((line) => line.product === extra)) {
        this.addToCart(source, extra, 1);
      }
    }
    this.startCheckout(source);
    this.placeOrder(source);
  }

  private addToCart(source: string, product: Product, quantity: number): void {
    if (!this.cart) this.cart = { id: `k-${this.number()}-${++this.counters.cart}`, lines: [] };
    const item = withQuantity(this.world.catalog.itemAt(product, this.now), quantity);
    this.cart.lines = [...this.cart.lines.filter((line) => line.product !== product), { product, item }];
    this.advance(15, 90);
    this.emit(this.now, source, "cart.updated", {
      cartId: this.cart.id,
      items: this.cart.lines.map((line) => line.item),
      total: totalOf(this.cart.lines),
      currency: CURRENCY,
    });
  }

  private emptyCart(source: string): void {
    if (!this.cart) return;
    this.advance(10, 60);
    this.emit(this.now, source, "cart.updated", {
      cartId: this.cart.id,
      items: [],
      total: 0,
      currency: CURRENCY,
    });
    this.cart = undefined;
  }

  private startCheckout(source: string): void {
    if (!this.cart) return;
    this.advance(20, 120);
    this.emit(this.now, source, "checkout.started", { cartId: this.cart.id });
  }

  private placeOrder(source: string): void {
    const { rng, c, world } = this;
    const cart = this.cart;
    if (!cart) return;
    this.advance(60, 300);
    // Checkout re-prices the cart: a sale that started since the item was added applies.
    const lines = cart.lines.map(({ product, item }) => ({
      product,
      item: withQuantity(world.catalog.itemAt(product, this.now), item.quantity ?? 1),
    }));
    const pickup = rng.chance(c.traits.pickup);
    const order: Order = {
      id: `o-${this.number()}-${++this.counters.order}`,
      t: this.now,
      source,
      lines,
      total: totalOf(lines),
      fulfillment: pickup ? "pickup" : "ship",
    };
    const detail: Record<string, unknown> = {
      orderId: order.id,
      items: lines.map((line) => line.item),
      total: order.total,
      currency: CURRENCY,
      fulfillment: order.fulfillment,
    };
    if (pickup) detail.storeId = c.zone.store;
    this.emit(order.t, source, "order.placed", detail);
    this.cart = undefined;
    this.ordersPlaced++;
    for (const line of lines) {
      if (this.wishlist.has(line.product) && rng.chance(0.4)) this.unwish(source, line.product);
    }
    this.afterOrder(order);
  }

  private afterOrder(order: Order): void {
    const { c, rng } = this;
    if (this.loyalty) this.awardPoints(order);
    else if (c.enrollAfterOrder === this.ordersPlaced) this.enroll(order);
    if (c.referrerId && this.ordersPlaced === 1) {
      this.emit(order.t + rng.int(5, 120) * MINUTE, "shop.loyalty", "referral.completed", {
        customerId: c.referrerId,
        referredCustomerId: c.id,
      });
    }
    if (REPLENISHERS.has(c.persona)) this.planReplenishment(order);
    this.fulfil(order);
  }

  private planReplenishment(order: Order): void {
    const { rng, world, c } = this;
    for (const { product } of order.lines) {
      if (product.replenishAfterDays === undefined || !rng.chance(0.45)) continue;
      const due = order.t + (product.replenishAfterDays + rng.int(-4, 5)) * DAY;
      const at = world.clock.daytime(c.zone.tz, due, rng);
      if (at < world.end) this.schedule({ t: at, kind: "buy", focus: product });
      return;
    }
  }

  // --- loyalty -----------------------------------------------------------------------------------

  private enroll(order: Order): void {
    const at = order.t + this.rng.int(5, 60) * MINUTE;
    this.emit(at, "shop.loyalty", "loyalty.enrolled", { programId: LOYALTY_PROGRAM });
    this.loyalty = { balance: 100, earned: 100, tier: "bronze" };
    this.emit(at + 30 * SECOND, "shop.loyalty", "loyalty.points_changed", { balance: 100, tier: "bronze" });
    this.awardPoints({ ...order, t: at + MINUTE });
  }

  private awardPoints(order: Order): void {
    const loyalty = this.loyalty;
    if (!loyalty) return;
    let at = order.t + this.rng.int(1, 10) * MINUTE;
    if (loyalty.balance >= 800 && this.rng.chance(0.3)) {
      loyalty.balance -= 500;
      this.pointsChanged(at, loyalty.tier);
      at += MINUTE;
    }
    this.changePoints(at, Math.floor(order.total));
  }

  private changePoints(at: number, delta: number): void {
    const loyalty = this.loyalty;
    if (!loyalty) return;
    const previousTier = loyalty.tier;
    loyalty.balance = Math.max(0, loyalty.balance + delta);
    loyalty.earned = Math.max(0, loyalty.earned + delta);
    loyalty.tier = tierFor(loyalty.earned);
    this.pointsChanged(at, previousTier);
  }

  private pointsChanged(at: number, previousTier: Tier): void {
    const loyalty = this.loyalty!;
    this.emit(at, "shop.loyalty", "loyalty.points_changed", {
      balance: loyalty.balance,
      tier: loyalty.tier,
      previousTier,
    });
  }

  // --- order lifecycle ---------------------------------------------------------------------------

  private fulfil(order: Order): void {
    const { rng } = this;
    if (rng.chance(0.03)) {
      this.cancel(order, order.t + rng.int(20, 300) * MINUTE, order.source);
      return;
    }
    const handedOver = order.fulfillment === "ship" ? this.ship(order) : this.pickUp(order);
    if (handedOver === undefined) return;
    const returned = rng.chance(0.08) && this.returnItem(order, handedOver);
    if (!returned && rng.chance(0.35)) this.review(order, handedOver);
  }

  private cancel(order: Order, at: number, source: string): void {
    this.emit(at, source, "order.cancelled", { orderId: order.id });
    if (this.loyalty) this.changePoints(at + MINUTE, -Math.floor(order.total));
  }

  private ship(order: Order): number {
    const { rng, world, c } = this;
    const shippedAt = order.t + rng.float(16, 44) * HOUR;
    const carrier = rng.pick(c.zone.carriers);
    const tracking = `${slug(carrier).slice(0, 3).toUpperCase()}${digits(rng, 10)}`;
    this.emit(shippedAt, "shop.fulfillment", "order.shipped", {
      orderId: order.id,
      carrier,
      trackingUrl: `https://track.shop.example.com/${slug(carrier)}/${tracking}`,
    });
    const earliest = Math.max(order.t + rng.float(2, 5) * DAY, shippedAt + 12 * HOUR);
    const deliveredAt = world.clock.daytime(c.zone.tz, earliest, rng, 9, 19);
    this.emit(deliveredAt, "shop.fulfillment", "order.delivered", { orderId: order.id });
    return deliveredAt;
  }

  /** Most collect within a day; some need the reminders; a few never come and the order is cancelled. */
  private pickUp(order: Order): number | undefined {
    const { rng, world, c } = this;
    const storeId = c.zone.store;
    const readyAt = world.clock.daytime(c.zone.tz, order.t + rng.float(2, 6) * HOUR, rng, 10, 19);
    const pickupBy = readyAt + 3 * DAY;
    this.emit(readyAt, "shop.pos", "order.ready_for_pickup", {
      orderId: order.id,
      storeId,
      pickupBy: this.world.timeFormat.format(pickupBy),
    });
    const r = rng.next();
    if (r < 0.9) {
      const delay = r < 0.7 ? rng.float(0.3, 20) : rng.float(26, 70);
      const pickedAt = world.clock.daytime(c.zone.tz, readyAt + delay * HOUR, rng, 10, 20);
      this.emit(pickedAt, "shop.pos", "order.picked_up", { orderId: order.id, storeId });
      return pickedAt;
    }
    if (r < 0.97) this.cancel(order, pickupBy + rng.int(1, 5) * HOUR, "shop.pos");
    return undefined;
  }

  private returnItem(order: Order, handedOver: number): boolean {
    const { rng, world, c } = this;
    const at = world.clock.daytime(c.zone.tz, handedOver + rng.float(1, 12) * DAY, rng, 10, 20);
    if (at >= world.end) return false;
    const line = rng.pick(order.lines);
    const returnId = `r-${this.number()}-${++this.counters.return}`;
    const inStore = rng.chance(order.fulfillment === "pickup" ? 0.8 : 0.45);
    const detail: Record<string, unknown> = {
      orderId: order.id,
      returnId,
      method: inStore ? "store" : "mail",
      items: [line.item],
    };
    if (inStore) detail.storeId = c.zone.store;
    this.emit(at, inStore ? "shop.pos" : order.source, "return.initiated", detail);
    const refundedAt = inStore
      ? at + rng.float(0.2, 30) * HOUR
      : world.clock.daytime(c.zone.tz, at + rng.float(5, 10) * DAY, rng);
    this.emit(refundedAt, inStore ? "shop.pos" : "shop.fulfillment", "return.completed", {
      returnId,
      refundAmount: money((line.item.price ?? 0) * (line.item.quantity ?? 1)),
      currency: CURRENCY,
    });
    return true;
  }

  private review(order: Order, handedOver: number): void {
    const { rng, world, c } = this;
    const at = world.clock.daytime(c.zone.tz, handedOver + rng.float(1, 18) * DAY, rng);
    const line = rng.pick(order.lines);
    const productId = line.product.id;
    const rating = RATINGS.pick(rng);
    // Some reviews are written on the product page, not from the order.
    const detail = rng.chance(0.9) ? { orderId: order.id, productId, rating } : { productId, rating };
    this.emit(at, order.source, "review.submitted", detail);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private number(): string {
    return this.c.id.slice(2);
  }

  private emit(at: number, source: string, type: string, detail: Record<string, unknown>): void {
    this.world.sink.add(at, source, type, { customerId: this.c.id, ...detail });
  }
}

/** Spelled out rather than spread: spread-and-extend gives every line its own hidden class. */
function withQuantity(item: Item, quantity: number): Item {
  const line: Item = {
    productId: item.productId,
    name: item.name,
    quantity,
    price: item.price,
    brand: item.brand,
    category: item.category,
    url: item.url,
    imageUrl: item.imageUrl,
  };
  if (item.replenishAfterDays !== undefined) line.replenishAfterDays = item.replenishAfterDays;
  if (item.upsellProductIds !== undefined) line.upsellProductIds = item.upsellProductIds;
  return line;
}

function totalOf(lines: readonly CartLine[]): number {
  let total = 0;
  for (const { item } of lines) total += (item.price ?? 0) * (item.quantity ?? 1);
  return money(total);
}

/** The same month and day in another year (a birthday, an anniversary). */
function withYear(ms: number, year: number): string {
  return String(year) + isoDate(ms).slice(4);
}

// ---------------------------------------------------------------------------------------------
// Anomalies: what a real bus delivers besides clean events

const INVALID_EVENTS: readonly { type: string; source: string; detail: Record<string, unknown> }[] = [
  {
    type: "cart.updated",
    source: "shop.web",
    detail: { cartId: "k-legacy-1", items: "p-003,p-007", total: 566, currency: "USD" },
  },
  {
    type: "order.placed",
    source: "shop.app",
    detail: {
      items: [{ productId: "p-001", quantity: 1, price: 24 }],
      total: 24,
      currency: "USD",
      fulfillment: "ship",
    },
  },
  { type: "review.submitted", source: "shop.web", detail: { productId: "p-013", rating: 11 } },
  { type: "consent.updated", source: "shop.web", detail: { channel: "fax", status: "opted_out" } },
  { type: "product.viewed", source: "shop.app", detail: { product: { name: "Mystery item", price: 10 } } },
];

const UNKNOWN_EVENTS: readonly { type: string; source: string; detail: Record<string, unknown> }[] = [
  { type: "page.scrolled", source: "shop.web", detail: { path: "/c/coffee", depth: 0.75 } },
  { type: "search.performed", source: "shop.web", detail: { query: "linen shirt", results: 4 } },
  { type: "coupon.viewed", source: "shop.app", detail: { couponId: "SPRING10" } },
  { type: "store.visited", source: "shop.pos", detail: { storeId: "st-nyc-soho" } },
  { type: "chat.message_sent", source: "shop.support", detail: { ticketId: "t-chat-1", length: 42 } },
];

const DUPLICATES = 4;
const OUT_OF_ORDER = 4;

function addStrayEvents(world: World, rng: Rng): void {
  for (const stray of [...INVALID_EVENTS, ...UNKNOWN_EVENTS]) {
    const index = rng.int(0, world.customers - 1);
    const signupAt = world.signups[index]!;
    const at = signupAt + MINUTE + rng.next() * Math.max(0, world.end - signupAt - 2 * MINUTE);
    world.sink.add(at, stray.source, stray.type, { customerId: customerId(world, index), ...stray.detail });
  }
}

/** Moves a few lines later than events that happened after them: the engine has to sort. */
function shuffleALittle(events: Envelope[], times: number[], rng: Rng): void {
  for (
    let moved = 0, attempts = 0;
    moved < OUT_OF_ORDER && attempts < 100 && events.length > 40;
    attempts++
  ) {
    const from = rng.int(0, events.length - 31);
    const to = from + rng.int(3, 30);
    if (!(times[from]! < times[to]!)) continue;
    const [event] = events.splice(from, 1);
    const [time] = times.splice(from, 1);
    events.splice(to, 0, event!);
    times.splice(to, 0, time!);
    moved++;
  }
}

/** EventBridge delivers at least once: a few events arrive twice, identical, a little later. */
function redeliverSome(events: Envelope[], rng: Rng): void {
  if (events.length < 2) return;
  for (let i = 0; i < DUPLICATES; i++) {
    const from = rng.int(0, events.length - 2);
    const original = events[from]!;
    const to = Math.min(events.length, from + rng.int(1, 50));
    events.splice(to, 0, { ...original, detail: structuredClone(original.detail) });
  }
}

// ---------------------------------------------------------------------------------------------
// Assembly

interface World {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  readonly start: number;
  readonly end: number;
  readonly customerIdWidth: number;
  readonly clock: LocalClock;
  readonly sink: Sink;
  readonly signups: Float64Array;
  readonly timeFormat: TimeFormatter;
  readonly catalog: Catalog;
}

/** What the catalog is planned from: everything but itself. */
type Setting = Omit<World, "catalog">;

function resolveOptions(options: ShopStreamOptions): Required<ShopStreamOptions> {
  const resolved = { ...SHOP_STREAM_DEFAULTS, ...stripUndefined(options) };
  if (!Number.isInteger(resolved.customers) || resolved.customers < 1)
    throw new Error("customers: a positive integer");
  if (!Number.isInteger(resolved.days) || resolved.days < 1) throw new Error("days: a positive integer");
  if (!Number.isFinite(resolved.seed)) throw new Error("seed: a number");
  if (Number.isNaN(Date.parse(resolved.start)))
    throw new Error(`start: an RFC 3339 time, got ${resolved.start}`);
  return resolved;
}

function stripUndefined(options: ShopStreamOptions): ShopStreamOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** Builds the whole stream in memory, sorted by time apart from the deliberate anomalies. */
export function generateShopStream(options: ShopStreamOptions = {}): Envelope[] {
  const { seed, customers, days, start, anomalies } = resolveOptions(options);
  const startMs = Math.floor(Date.parse(start) / SECOND) * SECOND;
  const end = startMs + days * DAY;
  const setting: Setting = {
    seed,
    customers,
    days,
    start: startMs,
    end,
    customerIdWidth: Math.max(4, String(customers).length),
    clock: new LocalClock(Math.floor(startMs / DAY) * DAY),
    sink: new Sink(end + TAIL_DAYS * DAY),
    signups: new Float64Array(customers),
    timeFormat: new TimeFormatter(),
  };
  const world: World = { ...setting, catalog: buildCatalog(setting) };
  for (let index = 0; index < customers; index++) {
    const rng = new Rng(mixSeed(seed, 0xc057, index));
    const profile = makeProfile(world, index, rng);
    world.signups[index] = profile.signupAt;
    new Shopper(world, profile, rng).live();
  }
  const rng = new Rng(mixSeed(seed, 0xa40e));
  if (anomalies) addStrayEvents(world, rng);
  const { events, times } = sortByTime(world.sink);
  const idWidth = Math.max(6, String(events.length).length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    event.id = "evt-" + String(i + 1).padStart(idWidth, "0");
    event.time = world.timeFormat.format(times[i]!);
  }
  if (anomalies) {
    shuffleALittle(events, times, rng);
    redeliverSome(events, rng);
  }
  return events;
}

/** Stable: events at the same second keep the order in which they were generated. */
function sortByTime(sink: Sink): { events: Envelope[]; times: number[] } {
  const { events, times } = sink;
  const order = new Uint32Array(events.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  const sortedEvents = new Array<Envelope>(order.length);
  const sortedTimes = new Array<number>(order.length);
  for (let i = 0; i < order.length; i++) {
    sortedEvents[i] = events[order[i]!]!;
    sortedTimes[i] = times[order[i]!]!;
  }
  return { events: sortedEvents, times: sortedTimes };
}
