// `make bench`: measures hackwatch's hot paths and appends figures to bench/results.txt.
// Each area adds its own section in its own file under Sources/hackwatch-bench/.
import Foundation
import HackWatch

print("hackwatch bench")
