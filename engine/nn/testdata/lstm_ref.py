# Reference numbers for TestLSTMAgainstTorch (engine/nn/fused_test.go): one
# torch.nn.LSTMCell step (float64) with fixed weights, and the gradients of
# sum(h') + 2·sum(c') with respect to x, h, c and every weight.
# Run: /usr/bin/python3 engine/nn/testdata/lstm_ref.py
import torch
torch.set_default_dtype(torch.float64)
cell = torch.nn.LSTMCell(2, 2)
wx = [[0.3, -0.5, 0.8, 0.1, -0.2, 0.4, 0.25, -0.35], [0.6, 0.2, -0.7, 0.5, 0.9, -0.3, -0.15, 0.45]]   # our Wx [in 4h]
wh = [[-0.4, 0.7, 0.2, -0.6, 0.3, 0.5, 0.55, -0.25], [0.1, -0.8, 0.6, 0.4, -0.5, 0.2, -0.45, 0.35]]   # our Wh [h 4h]
b = [0.1, -0.2, 1.05, 0.7, -0.1, 0.2, 0.3, -0.4]
with torch.no_grad():
    cell.weight_ih.copy_(torch.tensor(wx).T)
    cell.weight_hh.copy_(torch.tensor(wh).T)
    cell.bias_ih.copy_(torch.tensor(b))
    cell.bias_hh.zero_()
x = torch.tensor([[0.9, -1.3]], requires_grad=True)
h = torch.tensor([[0.4, -0.2]], requires_grad=True)
c = torch.tensor([[-0.6, 0.8]], requires_grad=True)
h2, c2 = cell(x, (h, c))
(h2.sum() + 2 * c2.sum()).backward()
r = lambda t: ", ".join(repr(float(v)) for v in t.detach().flatten())
print('"h":   {%s},' % r(h2)); print('"c":   {%s},' % r(c2))
print('"dx":  {%s},' % r(x.grad)); print('"dh":  {%s},' % r(h.grad)); print('"dc":  {%s},' % r(c.grad))
print('"dWx": {%s},' % r(cell.weight_ih.grad.T)); print('"dWh": {%s},' % r(cell.weight_hh.grad.T))
print('"db":  {%s},' % r(cell.bias_ih.grad))
