import LibPQ
import Testing

/// `ConnectionString.redacted`: passwords masked in both forms, everything else kept.
@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("postgresql://export:export-secret@127.0.0.1:55432/export", "postgresql://export:***@127.0.0.1:55432/export"),
        ("postgres://u:pw@host/db", "postgres://u:***@host/db"),
        ("POSTGRESQL://u:pw@host/db", "POSTGRESQL://u:***@host/db"),
        ("postgresql://u:p%40ss@h/db?sslmode=require&password=other", "postgresql://u:***@h/db?sslmode=require&password=***"),
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:pa/ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h:5432/db", "postgresql://h:5432/db"),
        ("postgresql://h:5432/db?application_name=a@b", "postgresql://h:5432/db?application_name=a@b"),
        ("postgresql://h1:5432,h2:5433/db?user=u&password=pw", "postgresql://h1:5432,h2:5433/db?user=u&password=***"),
        ("postgresql:///db?host=/tmp/sock", "postgresql:///db?host=/tmp/sock"),
    ])
    func uriForm(_ input: String, _ expected: String) {
        #expect(ConnectionString.redacted(input) == expected)
    }

    @Test(arguments: [
        ("host=localhost user=export password=secret dbname=export", "host=localhost user=export password=*** dbname=export"),
        ("password=secret", "password=***"),
        ("  host = h   password = 'se cret\\' x'  port=5432", "  host = h   password = ***  port=5432"),
        ("PASSWORD=secret host=h", "PASSWORD=*** host=h"),
        ("host=h password=", "host=h password=***"),
        ("host=h passfile=/home/u/.pgpass", "host=h passfile=/home/u/.pgpass"),
        ("dbname='postgresql://u:s3cret@h/db' connect_timeout=5", "dbname='postgresql://u:***@h/db' connect_timeout=5"),
        ("dbname='host=h password=inner'", "dbname='host=h password=***'"),
        ("host=h dbname=export", "host=h dbname=export"),
        ("", ""),
    ])
    func keywordValueForm(_ input: String, _ expected: String) {
        #expect(ConnectionString.redacted(input) == expected)
    }

    @Test(arguments: [
        "host=h secretword", "host=h password='unterminated secretword", "host=h password=\\ secretword",
    ])
    func malformedInputIsMaskedFromWhereParsingFails(_ input: String) {
        let redacted = ConnectionString.redacted(input)
        #expect(!redacted.contains("secretword"))
        #expect(redacted.hasPrefix("host=h "))
    }
}
