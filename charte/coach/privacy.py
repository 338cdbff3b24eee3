# The coach declares no model: it holds no personal data of its own. It reads the results
# app's attempts (declared there, with the "coach" purpose) and asks the processing gate
# whether it may use them.
