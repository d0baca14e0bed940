import Testing
@testable import CustomerExport

@Suite("State: the window lifecycle")
struct WindowStatusTests {
    @Test("done and split are final: no transition starts from them, and every status is finished or unfinished")
    func finalStates() {
        for transition in WindowTransition.allCases {
            #expect(Set(transition.from).isDisjoint(with: WindowStatus.finished), "\(transition)")
        }
        #expect(Set(WindowStatus.finished).union(WindowStatus.unfinished) == Set(WindowStatus.allCases))
        #expect(Set(WindowStatus.finished).isDisjoint(with: WindowStatus.unfinished))
    }

    @Test("each transition maps to one SET and one guard in SQL")
    func sql() {
        #expect(WindowTransition.complete.setSQL == "status = 'done'")
        #expect(WindowTransition.complete.guardSQL == "status IN ('pending')")
        #expect(WindowTransition.fail.guardSQL == "status IN ('pending', 'failed')")
        #expect(WindowTransition.retry.setSQL == "status = 'pending'")
        #expect(WindowStatus.sqlList(WindowStatus.finished) == "('done', 'split')")
    }
}
