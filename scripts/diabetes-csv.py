# Writes scikit-learn's diabetes data (Efron et al. 2004; 442 patients, ships with scikit-learn,
# no download) as a CSV for the csv data set: the nine scaled numeric features, sex as a 0/1 class
# column and the disease progression a year later as the regression target. The README's
# multitask-ae numbers come from it.
# Run: /usr/bin/python3 scripts/diabetes-csv.py diabetes.csv
import sys
from sklearn.datasets import load_diabetes

data = load_diabetes()
names = list(data.feature_names)
sex = names.index('sex')
with open(sys.argv[1] if len(sys.argv) > 1 else 'diabetes.csv', 'w') as out:
    out.write(','.join([n for n in names if n != 'sex'] + ['sex', 'progression']) + '\n')
    for row, target in zip(data.data, data.target):
        features = [f'{v:.6f}' for j, v in enumerate(row) if j != sex]
        out.write(','.join(features + [str(int(row[sex] > 0)), f'{target:.1f}']) + '\n')
