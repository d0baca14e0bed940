/// The word lists records are assembled from.
///
/// Chosen to be realistic for a European charging network and hostile to naive clients:
/// accents, several scripts (Latin, Greek, Cyrillic, Arabic, CJK, Hangul), emoji, and words
/// that need JSON escaping once the factory decorates them.
enum Vocabulary {
    static let givenNames: [String] = [
        "Anna", "Lukas", "Émilie", "José", "Zoë", "Björn", "Łukasz", "François", "Søren", "Ana María",
        "Jürgen", "Inés", "Oğuz", "Chloé", "Mateo", "Siobhán", "Nikolaj", "Małgorzata", "Hélène", "Ömer",
        "Ελένη", "Дмитрий", "Анна", "محمد", "فاطمة", "太郎", "花子", "伟", "芳", "민준", "서연", "Priya",
        "Arjun", "Kwame", "Aiyana", "Zsófia", "Václav", "Ingrid", "Pål", "Raúl", "Maëlle", "Ğülşen",
        "john", "MARY", "o'Neil", "Jean-Luc", "D'Artagnan", "Li", "Ng", "X Æ A-12",
    ]

    static let familyNames: [String] = [
        "Müller", "Schmidt", "García", "Dubois", "Nowak", "Kowalski", "Jensen", "Østergaard", "Rossi",
        "Fernández", "Öztürk", "Papadopoulos", "Παπαδόπουλος", "Иванов", "Смирнова", "الحسن", "田中", "鈴木",
        "王", "李", "김", "박", "Nguyễn", "Trần", "O'Brien", "van der Berg", "de la Cruz", "Mac Giolla Phádraig",
        "Żółć", "Čapek", "Šťastný", "Lindqvist", "Ðorđević", "Þórsdóttir", "Smith", "JOHNSON", "lee",
        "Brown-Whitaker", "Núñez", "Gonçalves", "Ševčík", "Horváth", "Virtanen", "Æbelø",
    ]

    static let companyStems: [String] = [
        "Stadtwerke", "Nordlicht", "Alpenstrom", "Électricité du Nord", "Voltaire", "Blitz", "Fjord Energi",
        "Sol y Sombra", "Grün & Co", "Ampère", "Kraftwerk", "Rheinland", "Baltic", "Iberia", "Helios",
        "北京充电", "東京電力モビリティ", "서울 충전", "Ζεύς Ενέργεια", "Электросеть", "Čistá Energie",
        "Möbelhaus Krämer", "Bäckerei Süß", "Taxi Zentrale", "Logistik Nord", "Pizzeria Da Mario",
        "Hôtel Bellevue", "Café Größenwahn", "Autohaus Weiß", "Ørsted Parkering", "Łódź Transport",
    ]

    static let companySuffixes: [String] = [
        "GmbH", "AG", "Ltd", "S.A.", "SARL", "B.V.", "ApS", "AB", "Sp. z o.o.", "s.r.o.", "KG", "GmbH & Co. KG",
        "有限公司", "株式会社", "Inc.", "LLC", "",
    ]

    static let operatorNames: [String] = [
        "VoltNet", "Ladepunkt Nord", "ChargeWave", "Electra Roads", "Fulmine", "Kilowatt Kollektiv",
        "Borne & Co", "Strøm Stasjon", "PowerPark", "エネチャージ", "Ηλεκτρόδρομος", "Заряд", "ampera",
    ]

    static let fleetWords: [String] = ["Fleet", "Flotte", "Flota", "Vloot", "Flotta", "车队", "Taxi", "Delivery", "Carsharing", "Pool"]

    static let emoji: [String] = ["🚗", "⚡️", "🔋", "🌱", "🚕", "🏢", "👨‍👩‍👧", "🇩🇪", "🇫🇷", "🙂"]

    static let cities: [String] = [
        "Berlin", "München", "Köln", "Zürich", "Wien", "Paris", "Lyon", "Besançon", "Madrid", "A Coruña",
        "Kraków", "Łódź", "København", "Århus", "Malmö", "Tromsø", "Reykjavík", "Αθήνα", "Москва", "東京",
        "北京", "서울", "Amsterdam", "'s-Hertogenbosch", "Milano", "Genève", "Luxembourg", "İstanbul",
    ]

    static let streets: [String] = [
        "Hauptstraße", "Bahnhofstr.", "Rue de la Paix", "Calle Mayor", "ul. Marszałkowska", "Vesterbrogade",
        "Kungsgatan", "Via Roma", "Große Ulrichstraße", "Oude Gracht", "Λεωφόρος Κηφισίας", "ул. Ленина",
        "銀座", "Industriestraße", "Am Weißen Stein",
    ]

    static let countries: [String] = ["DE", "FR", "ES", "PL", "DK", "SE", "NO", "NL", "IT", "AT", "CH", "GR", "JP", "KR", "CN", "IS", "TR", "LU", "GB"]

    static let emailDomains: [String] = ["example.com", "Example.COM", "mail.example.de", "post.example.fr", "EXAMPLE.org", "exämple.net"]

    static let asciiGivenNames: [String] = ["anna", "lukas", "emilie", "jose", "zoe", "bjoern", "lukasz", "soren", "juergen", "ines", "taro", "minjun", "priya", "kwame"]

    static let asciiFamilyNames: [String] = ["mueller", "schmidt", "garcia", "dubois", "nowak", "jensen", "rossi", "oeztuerk", "tanaka", "wang", "kim", "nguyen", "obrien"]

    static let statuses: [String] = ["active", "active", "active", "active", "active", "active", "active", "suspended", "closed", "pending"]

    static let loyaltyTiers: [String] = ["bronze", "silver", "gold", "platinum"]

    static let tags: [String] = ["vip", "fleet-2024", "b2b", "migrated", "ac-only", "dc-fast", "pilot", "église", "需要发票"]

    static let sources: [String] = ["web", "app", "import", "partner-api", "callcenter", "Legacy CRM"]
}
