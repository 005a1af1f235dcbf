// Realistic demo data: "Bazaar-e Novin", a fictional Iranian retailer with shoppers, B2B and B2G
// accounts and interactions on many channels. Deterministic (seeded) so every demo looks the same.

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FIRST_NAMES = [
  'مریم',
  'علی',
  'زهرا',
  'محمد',
  'فاطمه',
  'حسین',
  'سارا',
  'رضا',
  'نرگس',
  'امیر',
  'الهام',
  'مهدی',
  'نازنین',
  'سینا',
  'لیلا',
  'کاوه',
  'شیرین',
  'بابک',
  'پریسا',
  'آرش',
  'یاسمن',
  'پویا',
  'هانیه',
  'کیان',
];
export const LAST_NAMES = [
  'رضایی',
  'محمدی',
  'حسینی',
  'احمدی',
  'کریمی',
  'موسوی',
  'جعفری',
  'صادقی',
  'رحیمی',
  'کاظمی',
  'نوری',
  'قاسمی',
  'تهرانی',
  'شیرازی',
  'اصفهانی',
  'تبریزی',
  'یزدی',
  'کرمانی',
];
export const LATIN_NAMES = [
  'maryam',
  'ali',
  'zahra',
  'mohammad',
  'fatemeh',
  'hossein',
  'sara',
  'reza',
  'narges',
  'amir',
  'elham',
  'mahdi',
  'nazanin',
  'sina',
  'leila',
  'kaveh',
  'shirin',
  'babak',
  'parisa',
  'arash',
  'yasaman',
  'pouya',
  'hanieh',
  'kian',
];
export const CITIES = [
  'تهران',
  'مشهد',
  'اصفهان',
  'شیراز',
  'تبریز',
  'کرج',
  'قم',
  'اهواز',
  'رشت',
  'یزد',
  'کرمان',
  'ارومیه',
];

export const PRODUCTS = [
  { id: 'p-100', name: 'گوشی هوشمند نوین X', category: 'موبایل', price: 185_000_000 },
  { id: 'p-101', name: 'هدفون بی‌سیم', category: 'صوتی', price: 12_500_000 },
  { id: 'p-102', name: 'لپ‌تاپ ۱۴ اینچ', category: 'کامپیوتر', price: 420_000_000 },
  { id: 'p-103', name: 'کتری برقی', category: 'لوازم خانگی', price: 3_900_000 },
  { id: 'p-104', name: 'جاروبرقی رباتیک', category: 'لوازم خانگی', price: 98_000_000 },
  { id: 'p-105', name: 'ساعت هوشمند', category: 'پوشیدنی', price: 27_000_000 },
  { id: 'p-106', name: 'چای ممتاز ۵۰۰ گرمی', category: 'خوراکی', price: 1_450_000 },
  { id: 'p-107', name: 'قهوه‌ساز', category: 'لوازم خانگی', price: 21_000_000 },
  { id: 'p-108', name: 'کیف لپ‌تاپ', category: 'لوازم جانبی', price: 4_200_000 },
  { id: 'p-109', name: 'مانیتور ۲۷ اینچ', category: 'کامپیوتر', price: 145_000_000 },
] as const;

export const COMPANIES = [
  { name: 'شرکت فناوران پارس', kind: 'b2b' },
  { name: 'گروه صنعتی سپهر', kind: 'b2b' },
  { name: 'هلدینگ آرین', kind: 'b2b' },
  { name: 'دانشگاه علم و فن', kind: 'b2g' },
  { name: 'شهرداری منطقه ۶', kind: 'b2g' },
  { name: 'بیمارستان امید', kind: 'b2g' },
  { name: 'فروشگاه‌های زنجیره‌ای روشن', kind: 'b2b' },
  { name: 'استارتاپ دادگان', kind: 'b2b' },
] as const;

export const SUPPORT_TEXTS = [
  'سلام، سفارشم هنوز نرسیده. کی ارسال میشه؟',
  'ممنون از پشتیبانی خوبتون، مشکل حل شد',
  'گارانتی گوشی چطور فعال میشه؟',
  'کالا آسیب دیده به دستم رسید، لطفا پیگیری کنید',
  'امکان پرداخت اقساطی دارید؟',
  'Hello, I need an invoice for my company order',
  'فاکتور رسمی برای شرکت صادر می‌کنید؟',
];
