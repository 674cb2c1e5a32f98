# Reference numbers for TestGRUAgainstTorch (engine/nn/gru_test.go): one
# torch.nn.GRUCell step (float64) with fixed weights, and the gradients of
# sum(h') with respect to x, h and every weight.
# Run: /usr/bin/python3 engine/nn/testdata/gru_ref.py
import torch
torch.set_default_dtype(torch.float64)
cell = torch.nn.GRUCell(2, 2)
wx = [[0.3, -0.5, 0.8, 0.1, -0.2, 0.4], [0.6, 0.2, -0.7, 0.5, 0.9, -0.3]]   # our Wx [in 3h]
wh = [[-0.4, 0.7, 0.2, -0.6, 0.3, 0.5], [0.1, -0.8, 0.6, 0.4, -0.5, 0.2]]   # our Wh [h 3h]
bx = [0.1, -0.2, 0.05, 0.3, -0.1, 0.2]
bh = [-0.05, 0.15, 0.2, -0.3, 0.25, -0.1]
with torch.no_grad():
    cell.weight_ih.copy_(torch.tensor(wx).T)
    cell.weight_hh.copy_(torch.tensor(wh).T)
    cell.bias_ih.copy_(torch.tensor(bx))
    cell.bias_hh.copy_(torch.tensor(bh))
x = torch.tensor([[0.9, -1.3]], requires_grad=True)
h = torch.tensor([[0.4, -0.2]], requires_grad=True)
out = cell(x, h)
out.sum().backward()
r = lambda t: [repr(float(v)) for v in t.detach().flatten()]
print("h'", r(out))
print("dx", r(x.grad)); print("dh", r(h.grad))
print("dWx", r(cell.weight_ih.grad.T)); print("dWh", r(cell.weight_hh.grad.T))
print("dbx", r(cell.bias_ih.grad)); print("dbh", r(cell.bias_hh.grad))
