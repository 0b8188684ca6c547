// The register column by column: residents in any order come out by person id (the first row
// of a person given twice kept), each value read back as delivered, missing values as nil.

import Testing
import OutflowCore
import OutflowAnalysis

struct ResidentsTests {
    static let day = Day(parsing: "2024-03-01")!

    @Test func residentsInAnyOrderComeOutByPersonIdWithEveryValue() {
        var builder = Residents.Builder(capacity: 4)
        builder.append(person: 30, Resident(birthYear: 2012, birthMonth: 4, sex: .v, district: "Oost", registeredFrom: Self.day))
        builder.append(person: 7, Resident(birthYear: 2009, sex: .x, district: "Zuid", movedOut: Self.day + 10))
        builder.append(person: 19, Resident(birthYear: 2015, died: Self.day + 3))
        builder.append(person: 7, Resident(birthYear: 1999, district: "Noord"))   // a second row of 7: ignored
        let residents = builder.build(maxKey: 40)
        #expect(residents.count == 3)
        #expect(Array(residents.personIds) == [7, 19, 30])
        #expect((0..<3).map(residents.personId(at:)) == [7, 19, 30])
        #expect(residents.position(of: 19) == 1 && residents.position(of: 20) == nil && residents.position(of: 99) == nil)
        #expect(residents[30] == Resident(birthYear: 2012, birthMonth: 4, sex: .v, district: "Oost", registeredFrom: Self.day))
        #expect(residents[7] == Resident(birthYear: 2009, sex: .x, district: "Zuid", movedOut: Self.day + 10))
        #expect(residents[19] == Resident(birthYear: 2015, died: Self.day + 3))
        #expect(residents[19]?.district == nil && residents[19]?.birthMonth == nil && residents[19]?.sex == nil)
        #expect(residents[8] == nil)
        #expect(residents.anyDistrict)
    }

    @Test func aRegisterWithoutDistrictsSaysSo() {
        let residents = Residents([5: Resident(birthYear: 2010), 2: Resident(birthYear: 2011, birthMonth: 12)])
        #expect(Array(residents.personIds) == [2, 5])
        #expect(!residents.anyDistrict)
        #expect(residents[2]?.birthMonth == 12)
        #expect(Residents().count == 0 && Residents()[1] == nil)
    }

    @Test func cohortInputsReadTheirResidentsThroughTheRegister() {
        let inputs = CohortInputs(episodes: [], residents: [3: Resident(birthYear: 2008, birthMonth: 2, district: "West")])
        #expect(inputs.resident(3)?.ageLimitDay(ageLimit: 18) == Day(parsing: "2026-02-01"))
        #expect(inputs.resident(4) == nil)
    }

    @Test func aRegisteredChildKeepsEveryValueInItsCompactForm() {
        var child = RegisteredChild(personId: 12, birthYear: 2011, birthMonth: 9, sex: "X", district: "Zuid",
                                    registeredFrom: Self.day, registeredUntil: Self.day + 400, died: nil)
        #expect(child.personId == 12 && child.birthYear == 2011 && child.birthMonth == 9 && child.sex == "X")
        #expect(child.district == "Zuid" && child.registeredFrom == Self.day && child.registeredUntil == Self.day + 400 && child.died == nil)
        child.sex = nil
        child.birthMonth = nil
        child.died = Self.day + 5
        #expect(child.sex == nil && child.birthMonth == nil && child.died == Self.day + 5)
        #expect(child.ageLimitDay(18) == Day(parsing: "2029-07-01"))
        let fromResident = RegisteredChild(personId: 3, Resident(birthYear: 2010, birthMonth: 1, sex: .m, district: "Oost", movedOut: Self.day))
        #expect(fromResident == RegisteredChild(personId: 3, birthYear: 2010, birthMonth: 1, sex: "M", district: "Oost", registeredUntil: Self.day))
    }
}
